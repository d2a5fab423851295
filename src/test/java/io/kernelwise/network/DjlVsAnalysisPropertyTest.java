package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.architecture.Analysis;
import io.kernelwise.architecture.ArchitectureAnalyzer;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.PyTorchReference;
import io.kernelwise.architecture.RandomSpecs;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: for hundreds of random valid specs over every layer type, each top-level layer of the
 * DJL network built by the factory has exactly the analysed output shape and parameters (trainable
 * plus BN running statistics), and the whole block the analysed trainable parameters (the analysis
 * itself is checked against PyTorch, layer by layer, by {@code PyTorchParityTest}).
 */
class DjlVsAnalysisPropertyTest {
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());

  @BeforeAll
  static void engine() {
    DjlNetworkFactoryTest.engine();
  }

  @Test
  void everyLayerOfTheDjlBlockMatchesTheAnalysisForRandomSpecs() {
    List<ArchitectureSpec> specs = RandomSpecs.generate(20261125L, 300);
    for (ArchitectureSpec spec : specs) {
      String why = RandomSpecs.json(spec);
      Analysis analysis = analyzer.analyze(spec);
      List<DjlNetworkFactoryTest.LayerMeasure> expected =
          PyTorchReference.of(why, analysis).layers().stream()
              // of() puts each layer's parameter sum into trainable
              .map(l -> new DjlNetworkFactoryTest.LayerMeasure(l.outputShape(), l.trainable()))
              .toList();
      assertThat(DjlNetworkFactoryTest.perLayer(spec)).as(why).isEqualTo(expected);
      assertThat(DjlNetworkFactoryTest.buildAndRun(spec)[0])
          .as(why)
          .isEqualTo(analysis.parameters().trainable());
    }
  }
}
