package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.architecture.Analysis;
import io.kernelwise.architecture.ArchitectureAnalyzer;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.RandomSpecs;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: for hundreds of random valid specs over every layer type, the DJL block built by the
 * factory has exactly the analysed trainable parameters and output shape (the analysis itself is
 * checked against PyTorch by the architecture feature's parity test).
 */
class DjlVsAnalysisPropertyTest {
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());

  @BeforeAll
  static void engine() {
    DjlNetworkFactoryTest.engine();
  }

  @Test
  void djlBlockMatchesAnalysisForRandomSpecs() {
    List<ArchitectureSpec> specs = RandomSpecs.generate(20261125L, 300);
    for (ArchitectureSpec spec : specs) {
      Analysis analysis = analyzer.analyze(spec);
      Object[] djl = DjlNetworkFactoryTest.buildAndRun(spec);
      String why = RandomSpecs.json(spec);
      assertThat(djl[0]).as(why).isEqualTo(analysis.parameters().trainable());
      assertThat(((ai.djl.ndarray.types.Shape) djl[1]).get(1))
          .as(why)
          .isEqualTo(analysis.outputShape().get(0));
    }
  }
}
