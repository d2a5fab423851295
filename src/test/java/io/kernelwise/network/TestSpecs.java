package io.kernelwise.network;

import io.kernelwise.TestImages;
import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.InputShape;
import io.kernelwise.architecture.LayerSpec;
import io.kernelwise.architecture.LayerSpec.Bottleneck;
import io.kernelwise.architecture.LayerSpec.Conv;
import io.kernelwise.architecture.LayerSpec.Dense;
import io.kernelwise.architecture.LayerSpec.Pool;
import io.kernelwise.architecture.LayerSpec.Residual;
import io.kernelwise.architecture.LayerSpec.SeparableConv;
import io.kernelwise.architecture.Padding;
import io.kernelwise.architecture.Size2;
import io.kernelwise.architecture.SpecParser;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Specs as records (defaults resolved), for tests and the benchmark: the article's three CIFAR-10
 * nets of {@code ../shared/bench/specs/} and hand-written ones that use every layer type.
 */
public final class TestSpecs {
  private static final InputShape CIFAR = new InputShape(3, 32, 32);
  private static final Size2 ONE = Size2.square(1);

  private TestSpecs() {}

  public static ArchitectureSpec byName(String name) {
    return switch (name) {
      case "seed-3x3" -> seed3x3();
      case "seed-5x5" -> seed5x5();
      case "seed-separable" -> seedSeparable();
      default -> preset(name); // resnet-cifar, fast-cifar, ...
    };
  }

  /** A preset of {@code src/main/resources/architecture/presets}, parsed as the service does. */
  public static ArchitectureSpec preset(String name) {
    return parse(TestImages.preset(name));
  }

  /** A spec's JSON, parsed as the service does. */
  public static ArchitectureSpec parse(String json) {
    return new SpecParser(8).parse(JsonMapper.shared().readTree(json), "");
  }

  /** The hand-written specs that together use every layer type and option. */
  public static List<ArchitectureSpec> everyLayerType() {
    return List.of(convZoo(), residualZoo(), denseOnImage());
  }

  public static Conv conv(int filters, int k, Activation a) {
    return new Conv(filters, Size2.square(k), ONE, Padding.SAME, ONE, 1, true, false, a);
  }

  static Conv convBn(int filters, int k, int stride, Activation a) {
    return new Conv(
        filters, Size2.square(k), Size2.square(stride), Padding.SAME, ONE, 1, false, true, a);
  }

  public static Pool maxPool(int size) {
    return new Pool(true, Size2.square(size), Size2.square(size), Size2.square(0));
  }

  public static Dense dense(int units, Activation a) {
    return new Dense(units, a, true);
  }

  static SeparableConv sep(int filters) {
    return new SeparableConv(
        filters, Size2.square(3), ONE, Padding.SAME, true, false, Activation.RELU);
  }

  public static ArchitectureSpec seed3x3() {
    return new ArchitectureSpec(
        "seed-3x3",
        CIFAR,
        10,
        List.of(
            conv(32, 3, Activation.RELU),
            conv(32, 3, Activation.RELU),
            maxPool(2),
            conv(64, 3, Activation.RELU),
            conv(64, 3, Activation.RELU),
            maxPool(2),
            new LayerSpec.Flatten(),
            dense(512, Activation.RELU),
            dense(10, Activation.NONE)));
  }

  public static ArchitectureSpec seed5x5() {
    return new ArchitectureSpec(
        "seed-5x5",
        CIFAR,
        10,
        List.of(
            conv(32, 5, Activation.RELU),
            maxPool(2),
            conv(64, 5, Activation.RELU),
            maxPool(2),
            new LayerSpec.Flatten(),
            dense(512, Activation.RELU),
            dense(10, Activation.NONE)));
  }

  public static ArchitectureSpec seedSeparable() {
    return new ArchitectureSpec(
        "seed-separable",
        CIFAR,
        10,
        List.of(
            sep(32),
            sep(32),
            maxPool(2),
            sep(64),
            sep(64),
            maxPool(2),
            new LayerSpec.Flatten(),
            dense(512, Activation.RELU),
            dense(10, Activation.NONE)));
  }

  /** Every conv flavour, asymmetric kernels/strides/padding, dilation, pools, 1d/2d BN, dropout. */
  static ArchitectureSpec convZoo() {
    return new ArchitectureSpec(
        "conv-zoo",
        new InputShape(3, 24, 20),
        7,
        List.of(
            new Conv(
                12,
                new Size2(3, 5),
                ONE,
                Padding.SAME,
                new Size2(2, 1),
                1,
                true,
                true,
                Activation.RELU6),
            new Conv(
                24,
                Size2.square(3),
                new Size2(2, 1),
                Padding.VALID,
                ONE,
                3,
                true,
                false,
                Activation.GELU),
            new Conv(
                24,
                new Size2(1, 3),
                ONE,
                new Padding.Explicit(new Size2(1, 2)),
                ONE,
                4,
                false,
                false,
                Activation.NONE),
            new LayerSpec.DepthwiseConv(
                Size2.square(3), ONE, Padding.SAME, 2, true, true, Activation.SILU),
            new SeparableConv(
                32,
                Size2.square(5),
                Size2.square(2),
                Padding.SAME,
                false,
                true,
                Activation.SIGMOID),
            new LayerSpec.SpatialSeparableConv(
                16, 5, new Size2(1, 2), true, false, Activation.TANH),
            new Pool(true, Size2.square(3), Size2.square(2), Size2.square(1)),
            new Pool(false, Size2.square(2), ONE, new Size2(1, 0)),
            new LayerSpec.BatchNorm(),
            new LayerSpec.ActivationLayer(Activation.RELU),
            new LayerSpec.Dropout(0.2),
            new LayerSpec.Flatten(),
            new Dense(64, Activation.RELU, false),
            new LayerSpec.BatchNorm(),
            new LayerSpec.ActivationLayer(Activation.SOFTMAX),
            new LayerSpec.Dropout(0.1),
            dense(7, Activation.NONE)));
  }

  /** ResNet/ResNeXt-style: bottlenecks (grouped, strided, without residual), residuals, repeat. */
  static ArchitectureSpec residualZoo() {
    return new ArchitectureSpec(
        "residual-zoo",
        new InputShape(3, 32, 32),
        10,
        List.of(
            convBn(16, 3, 1, Activation.RELU),
            new Bottleneck(32, 8, 3, 2, 2, true),
            new Bottleneck(32, 8, 3, 1, 4, true),
            new Bottleneck(48, 16, 5, 1, 1, false),
            new Residual(
                List.of(convBn(48, 3, 1, Activation.RELU), convBn(48, 3, 1, Activation.NONE)),
                LayerSpec.Shortcut.AUTO,
                Activation.RELU),
            new Residual(
                List.of(convBn(64, 3, 2, Activation.RELU), convBn(64, 3, 1, Activation.NONE)),
                LayerSpec.Shortcut.AUTO,
                Activation.RELU),
            new Residual(
                List.of(convBn(64, 3, 1, Activation.NONE)),
                LayerSpec.Shortcut.IDENTITY,
                Activation.NONE),
            new LayerSpec.Repeat(
                2,
                List.of(
                    conv(64, 3, Activation.RELU),
                    new Residual(
                        List.of(new LayerSpec.BatchNorm()),
                        LayerSpec.Shortcut.AUTO,
                        Activation.NONE))),
            new LayerSpec.GlobalAvgPool(),
            dense(10, Activation.NONE)));
  }

  /** A dense layer straight on a (c, h, w) input: it flattens first. */
  static ArchitectureSpec denseOnImage() {
    return new ArchitectureSpec(
        "dense-on-image",
        new InputShape(1, 28, 28),
        10,
        List.of(
            new Conv(
                8,
                Size2.square(3),
                Size2.square(2),
                Padding.SAME,
                ONE,
                1,
                true,
                false,
                Activation.RELU),
            new Pool(false, Size2.square(2), Size2.square(2), Size2.square(0)),
            dense(32, Activation.TANH),
            dense(10, Activation.NONE)));
  }
}
