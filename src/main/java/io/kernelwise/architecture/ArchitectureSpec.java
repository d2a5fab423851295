package io.kernelwise.architecture;

import java.util.List;

/**
 * A parsed, validated architecture (SPEC "Architecture spec"). Defaults are already resolved, and
 * the final classifier layer has been appended when the user's list did not end with one.
 */
public record ArchitectureSpec(String name, InputShape input, int classes, List<LayerSpec> layers) {
  public ArchitectureSpec {
    layers = List.copyOf(layers);
  }
}
