package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.LayerSpec;
import io.kernelwise.architecture.Padding;
import io.kernelwise.architecture.PyTorchReference;
import io.kernelwise.architecture.Size2;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DjlNetworkFactoryTest {
  static DjlNetworkFactory factory;

  @BeforeAll
  static void engine() {
    factory = new DjlNetworkFactory(engines());
  }

  static Engines engines() {
    return new Engines(
        new KernelwiseProperties(
            null, null, null, null, null, null, new KernelwiseProperties.Djl(true, true)));
  }

  /** Builds, initializes and runs a forward pass; returns {trainable parameters, out shape}. */
  static Object[] buildAndRun(ArchitectureSpec spec) {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = factory.build(spec);
      var in = spec.input();
      Shape input = new Shape(2, in.channels(), in.height(), in.width());
      block.initialize(manager, DataType.FLOAT32, input);
      long trainable = DjlNetworkFactory.trainableParameters(block);
      NDList out =
          block.forward(new ParameterStore(manager, false), new NDList(manager.ones(input)), false);
      return new Object[] {trainable, out.singletonOrThrow().getShape()};
    }
  }

  @Test
  void seedNetsHaveThePublishedParameterCounts() {
    assertThat(buildAndRun(TestSpecs.seed3x3())).containsExactly(2_168_362L, new Shape(2, 10));
    assertThat(buildAndRun(TestSpecs.seed5x5())).containsExactly(2_156_490L, new Shape(2, 10));
    assertThat(buildAndRun(TestSpecs.seedSeparable()))
        .containsExactly(2_111_429L, new Shape(2, 10));
  }

  /** One top-level layer of a built network: output shape without the batch, parameters. */
  record LayerMeasure(List<Long> outputShape, long parameters) {}

  /**
   * Runs the factory's per-layer blocks one after the other on a batch of two: each layer's output
   * shape and its parameters (trainable plus BN running statistics, which DJL lists as parameters).
   */
  static List<LayerMeasure> perLayer(ArchitectureSpec spec) {
    try (NDManager manager = NDManager.newBaseManager()) {
      var in = spec.input();
      NDArray x = manager.ones(new Shape(2, in.channels(), in.height(), in.width()));
      List<LayerMeasure> measures = new ArrayList<>();
      for (Block layer : factory.layers(spec)) {
        layer.initialize(manager, DataType.FLOAT32, x.getShape());
        x =
            layer
                .forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow();
        long parameters =
            layer.getParameters().values().stream()
                .mapToLong(p -> p.getArray().getShape().size())
                .sum();
        List<Long> shape = new ArrayList<>();
        for (int d = 1; d < x.getShape().dimension(); d++) {
          shape.add(x.getShape().get(d));
        }
        measures.add(new LayerMeasure(shape, parameters));
      }
      return measures;
    }
  }

  @Test
  void everyLayerTypeMatchesPyTorchReferenceLayerByLayer() {
    // the record of kw_torch.py's numbers; PyTorchParityTest proves it equal to live PyTorch
    Map<String, PyTorchReference.Result> record = PyTorchReference.recorded();
    Map<String, ArchitectureSpec> specs = PyTorchReference.specs();
    int checked = 0;
    for (Map.Entry<String, ArchitectureSpec> e : specs.entrySet()) {
      if (e.getKey().startsWith("random-") || e.getKey().equals("resnet50.json")) {
        continue; // the random ones are DjlVsAnalysisPropertyTest's; ResNet-50 is slow to run
      }
      ArchitectureSpec spec = e.getValue();
      PyTorchReference.Result torch = record.get(e.getKey());
      assertThat(buildAndRun(spec)[0])
          .as(spec.name() + " trainable")
          .isEqualTo(torch.trainableParameters());
      List<LayerMeasure> expected =
          torch.layers().stream()
              .map(l -> new LayerMeasure(l.outputShape(), l.parameters()))
              .toList();
      assertThat(perLayer(spec)).as(spec.name()).isEqualTo(expected);
      checked++;
    }
    assertThat(checked).isEqualTo(10); // seven presets and three hand-written zoo specs
  }

  @Test
  void savedParametersLoadIntoAFreshlyBuiltBlock() throws Exception {
    ArchitectureSpec spec = TestSpecs.residualZoo();
    Shape input = new Shape(2, 3, 32, 32);
    try (NDManager manager = NDManager.newBaseManager()) {
      Block trained = factory.build(spec);
      trained.initialize(manager, DataType.FLOAT32, input);
      NDArray x = manager.randomUniform(0f, 1f, input);
      // a training pass moves the BN running statistics away from their initial values
      trained.forward(new ParameterStore(manager, false), new NDList(x), true);
      var bytes = new java.io.ByteArrayOutputStream();
      trained.saveParameters(new java.io.DataOutputStream(bytes));

      Block loaded = factory.build(spec);
      loaded.initialize(manager, DataType.FLOAT32, input);
      loaded.loadParameters(
          manager,
          new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
      NDArray expected =
          trained.forward(new ParameterStore(manager, false), new NDList(x), false).head();
      NDArray actual =
          loaded.forward(new ParameterStore(manager, false), new NDList(x), false).head();
      assertThat(actual.allClose(expected, 1e-5, 1e-6, false)).isTrue();
    }
  }

  @Test
  void groupsThatDoNotDivideChannelsAreA400NamingTheField() {
    Size2 one = Size2.square(1);
    ArchitectureSpec bad =
        new ArchitectureSpec(
            "bad",
            TestSpecs.seed3x3().input(),
            10,
            List.of(
                TestSpecs.conv(16, 3, Activation.RELU),
                new LayerSpec.Residual(
                    List.of(
                        new LayerSpec.Conv(
                            16,
                            Size2.square(3),
                            one,
                            Padding.SAME,
                            one,
                            3,
                            true,
                            false,
                            Activation.NONE)),
                    LayerSpec.Shortcut.AUTO,
                    Activation.NONE),
                new LayerSpec.GlobalAvgPool(),
                TestSpecs.dense(10, Activation.NONE)));
    assertThatThrownBy(() -> factory.build(bad))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().value()).isEqualTo(400);
              assertThat(e.errors().get(0).field()).isEqualTo("layers[1].layers[0].groups");
            });
    ArchitectureSpec badBottleneck =
        new ArchitectureSpec(
            "bad-bottleneck",
            TestSpecs.seed3x3().input(),
            10,
            List.of(
                new LayerSpec.Bottleneck(32, 10, 3, 1, 4, true),
                new LayerSpec.GlobalAvgPool(),
                TestSpecs.dense(10, Activation.NONE)));
    assertThatThrownBy(() -> factory.build(badBottleneck))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.errors().get(0).field()).isEqualTo("layers[0].groups"));
  }
}
