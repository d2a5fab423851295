package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generator is deterministic, covers every layer type, and the writer round-trips its specs.
 */
class RandomSpecsTest {
  private final SpecParser parser = new SpecParser(8);

  @Test
  void sameSeedSameSpecs() {
    assertThat(RandomSpecs.generate(7, 20)).isEqualTo(RandomSpecs.generate(7, 20));
    assertThat(RandomSpecs.generate(7, 20)).isNotEqualTo(RandomSpecs.generate(8, 20));
  }

  @Test
  void coversEveryLayerTypeAndFeature() {
    Set<String> seen = new HashSet<>();
    for (ArchitectureSpec spec : RandomSpecs.generate(42, 200)) {
      collect(spec.layers(), seen);
    }
    assertThat(seen).containsAll(SpecParser.layerTypes());
    assertThat(seen)
        .contains("conv.groups", "conv.dilation", "bottleneck.groups", "residual.identity");
  }

  @Test
  void writerOutputParsesBackToAnEqualSpec() {
    for (ArchitectureSpec spec : RandomSpecs.generate(3, 200)) {
      assertThat(parser.parse(SpecWriter.write(spec), "")).isEqualTo(spec);
    }
  }

  private static void collect(List<LayerSpec> layers, Set<String> seen) {
    for (LayerSpec l : layers) {
      seen.add(l.type());
      if (l instanceof LayerSpec.Conv c && c.groups() > 1) {
        seen.add("conv.groups");
      }
      if (l instanceof LayerSpec.Conv c && c.dilation().h() > 1) {
        seen.add("conv.dilation");
      }
      if (l instanceof LayerSpec.Bottleneck b && b.groups() > 1) {
        seen.add("bottleneck.groups");
      }
      if (l instanceof LayerSpec.Residual r) {
        if (r.shortcut() == LayerSpec.Shortcut.IDENTITY) {
          seen.add("residual.identity");
        }
        collect(r.layers(), seen);
      }
      if (l instanceof LayerSpec.Repeat r) {
        collect(r.layers(), seen);
      }
    }
  }
}
