package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/** The article's three CIFAR-10 nets: the numbers the issue pins, computed from the presets. */
class SeedSpecsTest {
  private final SpecParser parser = new SpecParser(8);
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());

  @ParameterizedTest
  @CsvSource({
    "seed-3x3, 2168362, 26579968",
    "seed-5x5, 2156490, 17667072",
    "seed-separable, 2111429, 5365760"
  })
  void seedSpecsCostWhatPyTorchCounts(String name, long trainable, long macs) throws Exception {
    try (InputStream in =
        getClass().getResourceAsStream("/architecture/presets/" + name + ".json")) {
      ArchitectureSpec spec = parser.parse(JsonMapper.shared().readTree(in), "");
      Analysis a = analyzer.analyze(spec);
      assertThat(a.parameters().trainable()).isEqualTo(trainable);
      assertThat(a.parameters().nonTrainable()).isZero();
      assertThat(a.macs()).isEqualTo(macs);
      assertThat(a.outputShape()).containsExactly(10L);
      assertThat(a.layers().stream().mapToLong(Analysis.Layer::parameters).sum())
          .isEqualTo(a.parameters().total());
    }
  }
}
