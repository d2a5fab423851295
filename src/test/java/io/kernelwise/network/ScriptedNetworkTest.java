package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.RandomSpecs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated TorchScript archive loads through DJL and computes, in fp32, what the DJL-block
 * network of the same spec computes with the same parameters: for every preset and for random specs
 * over every layer type, in inference mode and (without dropout) in training mode, where the BN
 * statistics must also move alike.
 */
class ScriptedNetworkTest {
  static final List<String> PRESETS =
      List.of(
          "seed-3x3", "seed-5x5", "seed-separable", "resnet-cifar", "mobilenet-cifar", "vgg-cifar");
  static final float TOLERANCE = 1e-4f;
  // batch norm over 3-4 images and small maps, 20 layers deep, amplifies rounding in the first
  // layers' gradients to ~1 % between two kernels' summation orders; a wrong in-place op is off by
  // tens of percent (88 % in the bug this comparison caught)
  static final float GRADIENT_TOLERANCE = 5e-2f;

  @BeforeAll
  static void engine() {
    DjlNetworkFactoryTest.engine();
  }

  static ArchitectureSpec preset(String name) {
    return TestSpecs.preset(name);
  }

  @Test
  void everyPresetMatchesItsDjlBlocksInFp32() {
    for (String name : PRESETS) {
      compare(name, preset(name), 4);
    }
  }

  @Test
  void aPreActivationResidualMatchesItsDjlBlocks() {
    compare("pre-activation", TestSpecs.parse(ScriptSinkTest.PRE_ACTIVATION), 3);
  }

  @Test
  void randomSpecsOverEveryLayerTypeMatchTheirDjlBlocks() {
    for (ArchitectureSpec spec : RandomSpecs.generate(20261202L, 15)) {
      compare(RandomSpecs.json(spec), spec, 3);
    }
  }

  @Test
  void bf16LogitsAreFloat32AndCloseToFp32() {
    ArchitectureSpec spec = preset("resnet-cifar");
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = initialized(spec, manager, 4);
      NDArray x = manager.randomNormal(new Shape(4, 3, 32, 32));
      NDArray expected = forward(block, x, false, manager);
      try (ScriptedNetwork bf16 = ScriptedNetwork.of(spec, block, Precision.BF16, true, manager)) {
        NDArray got = forward(bf16.block(), x, false, manager);
        assertThat(got.getDataType()).isEqualTo(DataType.FLOAT32);
        // bf16 keeps 8 bits of mantissa: a few percent of the logits' spread
        float spread = expected.max().getFloat() - expected.min().getFloat();
        assertThat(got.sub(expected).abs().max().getFloat()).isLessThan(0.1f * spread + 1e-3f);
        assertThat(DjlNetworkFactory.trainableParameters(bf16.block()))
            .isEqualTo(DjlNetworkFactory.trainableParameters(block));
      }
    }
  }

  /** Inference and training forwards of both networks, and a round trip of the parameters. */
  private static void compare(String why, ArchitectureSpec spec, int batch) {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = initialized(spec, manager, batch);
      var in = spec.input();
      NDArray x = manager.randomNormal(new Shape(batch, in.channels(), in.height(), in.width()));
      for (boolean channelsLast : new boolean[] {false, true}) {
        try (ScriptedNetwork scripted =
            ScriptedNetwork.of(spec, block, Precision.FP32, channelsLast, manager)) {
          assertThat(DjlNetworkFactory.trainableParameters(scripted.block()))
              .as(why)
              .isEqualTo(DjlNetworkFactory.trainableParameters(block));
          assertClose(
              why, forward(scripted.block(), x, false, manager), forward(block, x, false, manager));
          if (!RandomSpecs.json(spec).contains("dropout")) {
            Block twin = initialized(spec, manager, batch);
            copy(block, twin);
            List<NDArray> scriptedGrads = new ArrayList<>();
            List<NDArray> twinGrads = new ArrayList<>();
            NDArray trained = train(scripted.block(), x, manager, scriptedGrads);
            assertClose(why + " (training)", trained, train(twin, x, manager, twinGrads));
            // in-place activations and sums must leave the gradients as DJL's blocks have them
            assertThat(scriptedGrads).as(why).hasSameSizeAs(twinGrads);
            for (int i = 0; i < twinGrads.size(); i++) {
              assertClose(
                  why + " (gradient " + i + ")",
                  scriptedGrads.get(i),
                  twinGrads.get(i),
                  GRADIENT_TOLERANCE);
            }
            // the statistics moved the same way: both now infer alike
            Block back = initialized(spec, manager, batch);
            scripted.copyTo(back);
            assertClose(
                why + " (copied back)",
                forward(back, x, false, manager),
                forward(twin, x, false, manager));
          }
        }
      }
    }
  }

  private static Block initialized(ArchitectureSpec spec, NDManager manager, int batch) {
    Block block = new DjlNetworkFactory(null).build(spec);
    block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    var in = spec.input();
    block.initialize(
        manager, DataType.FLOAT32, new Shape(batch, in.channels(), in.height(), in.width()));
    // non-trivial BN statistics and affine parameters, so a swapped order shows
    for (Parameter p : block.getParameters().values()) {
      NDArray a = p.getArray();
      switch (p.getType()) {
        case RUNNING_MEAN, BETA, BIAS ->
            a.set(manager.randomNormal(a.getShape()).mul(0.1f).toFloatArray());
        case RUNNING_VAR, GAMMA ->
            a.set(manager.randomUniform(0.5f, 1.5f, a.getShape()).toFloatArray());
        default -> {}
      }
    }
    return block;
  }

  private static void copy(Block from, Block to) {
    var a = new ArrayList<>(from.getParameters().values());
    var b = new ArrayList<>(to.getParameters().values());
    for (int i = 0; i < a.size(); i++) {
      b.get(i).getArray().set(a.get(i).getArray().toFloatArray());
    }
  }

  private static NDArray forward(Block block, NDArray x, boolean training, NDManager manager) {
    return block
        .forward(new ParameterStore(manager, false), new NDList(x), training)
        .singletonOrThrow();
  }

  /**
   * A training-mode forward and backward of a loss that weighs every logit differently; returns the
   * logits and adds the trainable parameters' gradients, in order, to {@code gradients}.
   */
  private static NDArray train(Block block, NDArray x, NDManager manager, List<NDArray> gradients) {
    try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray logits = forward(block, x, true, manager);
      NDArray weights = manager.arange((float) logits.size()).reshape(logits.getShape()).sin();
      collector.backward(logits.mul(weights).sum());
      for (Parameter p : block.getParameters().values()) {
        if (p.requiresGradient()) {
          gradients.add(p.getArray().getGradient().duplicate());
        }
      }
      return logits.stopGradient();
    }
  }

  private static void assertClose(String why, NDArray got, NDArray expected) {
    assertClose(why, got, expected, TOLERANCE);
  }

  private static void assertClose(String why, NDArray got, NDArray expected, float tolerance) {
    assertThat(got.getShape()).as(why).isEqualTo(expected.getShape());
    float scale = Math.max(1f, expected.abs().max().getFloat());
    assertThat(got.sub(expected).abs().max().getFloat()).as(why).isLessThan(tolerance * scale);
  }
}
