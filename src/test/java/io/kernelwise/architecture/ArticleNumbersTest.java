package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The article's worked numbers, computed by the analyzer and the variant transforms. (The article
 * prints 65,536 for a 3x3x256x256 conv; that is a typo: k^2 c^2 = 589,824.)
 */
class ArticleNumbersTest {
  private static final Size2 ONE = Size2.square(1);
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());
  private final SpecTransformer transformer = new SpecTransformer(analyzer);

  private static LayerSpec.Conv conv(int filters, int k, int groups) {
    return new LayerSpec.Conv(
        filters, Size2.square(k), ONE, Padding.SAME, ONE, groups, false, false, Activation.RELU);
  }

  private static ArchitectureSpec net(int c, int size, LayerSpec... layers) {
    return new ArchitectureSpec("t", new InputShape(c, size, size), 10, List.of(layers));
  }

  private Analysis.Layer first(ArchitectureSpec spec) {
    return analyzer.analyze(spec).layers().get(0);
  }

  private long weights(ArchitectureSpec spec) {
    return analyzer.analyze(spec).layers().stream().mapToLong(Analysis.Layer::weights).sum();
  }

  @Test
  void samePaddedThreeByThreeOn224IsL4OverK2LighterThanDense() {
    int c = 4;
    Analysis.Layer layer = first(net(c, 224, conv(c, 3, 1)));
    assertThat(layer.outputShape()).containsExactly((long) c, 224L, 224L);
    assertThat(layer.weights()).isEqualTo(9L * c * c);
    assertThat(layer.denseEquivalentWeights()).isEqualTo(224L * 224 * c * 224 * 224 * c);
    assertThat(layer.weightRatioVsDense())
        .isCloseTo(Math.pow(224, 4) / 9, within(Math.pow(224, 4) / 9 * 1e-12));
  }

  @Test
  void twoStackedThreeByThreeCost18cSquaredAgainst25cSquaredForTheSameReceptiveField() {
    int c = 64;
    ArchitectureSpec fiveByFive = net(c, 32, conv(c, 5, 1));
    ArchitectureSpec stacked = net(c, 32, conv(c, 3, 1), conv(c, 3, 1));
    assertThat(weights(fiveByFive)).isEqualTo(25L * c * c);
    assertThat(weights(stacked)).isEqualTo(18L * c * c);
    assertThat(analyzer.analyze(stacked).receptiveField())
        .isEqualTo(analyzer.analyze(fiveByFive).receptiveField())
        .containsExactly(5L, 5L);

    SpecTransformer.Result factorized =
        transformer.apply(fiveByFive, new VariantTransform.Factorize(), false);
    assertThat(factorized.changedLayers()).isEqualTo(1);
    assertThat(factorized.spec().layers()).isEqualTo(stacked.layers());
  }

  @Test
  void bottleneck256To32To256Costs25600WeightsAgainst589824() {
    ArchitectureSpec base = net(256, 8, conv(256, 3, 1));
    assertThat(weights(base)).isEqualTo(589_824L);
    SpecTransformer.Result b = transformer.apply(base, new VariantTransform.Bottleneck(8), false);
    assertThat(b.spec().layers()).hasSize(3);
    assertThat(weights(b.spec())).isEqualTo(25_600L);
    assertThat(analyzer.analyze(b.spec()).outputShape())
        .isEqualTo(analyzer.analyze(base).outputShape());
  }

  @Test
  void twoGroupsHalveTheWeights() {
    int c = 32;
    long plain = first(net(c, 16, conv(c, 3, 1))).weights();
    long grouped = first(net(c, 16, conv(c, 3, 2))).weights();
    assertThat(grouped * 2).isEqualTo(plain);
    SpecTransformer.Result g =
        transformer.apply(net(c, 16, conv(c, 3, 1)), new VariantTransform.Grouped(2), false);
    assertThat(weights(g.spec())).isEqualTo(plain / 2);
  }

  @Test
  void separableTransformsKeepShapesAndCutWeights() {
    int c = 32;
    ArchitectureSpec base = net(c, 16, conv(c, 3, 1));
    ArchitectureSpec spatial =
        transformer.apply(base, new VariantTransform.SpatialSeparable(), false).spec();
    ArchitectureSpec depthwise =
        transformer.apply(base, new VariantTransform.DepthwiseSeparable(), false).spec();
    assertThat(weights(spatial)).isEqualTo(2L * 3 * c * c);
    assertThat(weights(depthwise)).isEqualTo(9L * c + (long) c * c);
    for (ArchitectureSpec v : List.of(spatial, depthwise)) {
      assertThat(analyzer.analyze(v).outputShape()).isEqualTo(analyzer.analyze(base).outputShape());
      assertThat(analyzer.analyze(v).receptiveField()).containsExactly(3L, 3L);
    }
  }

  @Test
  void keepFirstLeavesTheFirstConvAndTransformsReachInsideResidualAndRepeat() {
    LayerSpec.Residual block =
        new LayerSpec.Residual(
            List.of(conv(16, 3, 1), conv(16, 3, 1)), LayerSpec.Shortcut.IDENTITY, Activation.RELU);
    ArchitectureSpec base =
        net(3, 16, conv(16, 3, 1), new LayerSpec.Repeat(2, List.of(block)), conv(16, 3, 1));
    SpecTransformer.Result r = transformer.apply(base, new VariantTransform.Grouped(4), true);
    assertThat(r.changedLayers()).isEqualTo(3);
    assertThat(r.spec().layers().get(0)).isEqualTo(base.layers().get(0));
    LayerSpec.Repeat repeat = (LayerSpec.Repeat) r.spec().layers().get(1);
    LayerSpec.Residual res = (LayerSpec.Residual) repeat.layers().get(0);
    assertThat(res.layers()).allMatch(l -> ((LayerSpec.Conv) l).groups() == 4);
    assertThat(weights(r.spec())).isLessThan(weights(base));
    // without keepFirst the 3-channel first conv cannot take 4 groups: left as it is
    assertThat(transformer.apply(base, new VariantTransform.Grouped(4), false).changedLayers())
        .isEqualTo(3);
  }
}
