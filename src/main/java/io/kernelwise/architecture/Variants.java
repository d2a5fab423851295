package io.kernelwise.architecture;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Answer of {@code POST /architectures/{id}/variants}: one stored variant per transform. */
public record Variants(String baseId, String baseName, List<Variant> variants) {
  public Variants {
    variants = List.copyOf(variants);
  }

  @Schema(name = "Variant")
  public record Variant(
      String transform, ArchitectureResource architecture, Comparison comparison) {}

  /**
   * Variant vs base; ratios are variant / base ({@code < 1} is lighter). {@code changedLayers} is
   * how many layers the transform rewrote (0: it did not apply anywhere).
   */
  @Schema(name = "VariantComparison")
  public record Comparison(
      long baseParameters,
      long parameters,
      double parameterRatio,
      long baseMacs,
      long macs,
      double macRatio,
      List<Long> baseReceptiveField,
      List<Long> receptiveField,
      int changedLayers) {}
}
