package io.kernelwise.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.LayerSpec;
import io.kernelwise.architecture.Padding;
import io.kernelwise.architecture.Size2;
import io.kernelwise.system.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Builds DJL blocks with exactly the semantics of the reference {@code kw_torch.py}: same layers,
 * same trainable parameters, same output shapes. Shapes are tracked while building so that
 * depthwise channels, shortcuts and dense inputs are known, and so that bad groups are reported as
 * a 400 before DJL would fail at the first forward pass.
 */
@Component
public class DjlNetworkFactory implements NetworkFactory {

  /** Depends on {@link Engines} so the engine's properties are set before any block is built. */
  public DjlNetworkFactory(Engines engines) {}

  @Override
  public Block build(ArchitectureSpec spec) {
    SequentialBlock net = new SequentialBlock();
    for (SequentialBlock layer : layers(spec)) {
      net.addAll(layer.getChildren().values());
    }
    return net;
  }

  /**
   * One block per top-level layer of the spec (the classifier included), in order. {@link #build}
   * chains their children into one flat block, the layout saved parameters have; tests compare each
   * layer with the analysis' rows for it.
   */
  public List<SequentialBlock> layers(ArchitectureSpec spec) {
    var in = spec.input();
    int[] shape = {in.channels(), in.height(), in.width()};
    List<SequentialBlock> layers = new ArrayList<>();
    for (int i = 0; i < spec.layers().size(); i++) {
      SequentialBlock layer = new SequentialBlock();
      shape = addLayer(layer, spec.layers().get(i), shape, "layers[" + i + "]");
      layers.add(layer);
    }
    if (shape.length != 1 || shape[0] != spec.classes()) {
      throw ApiException.invalid(
          "layers",
          "the network ends with shape "
              + java.util.Arrays.toString(shape)
              + ", expected ("
              + spec.classes()
              + ") logits");
    }
    return layers;
  }

  /**
   * Trainable parameters of an initialized block, as PyTorch counts them (BN running statistics,
   * which DJL lists as parameters, are excluded).
   */
  public static long trainableParameters(Block block) {
    return block.getParameters().values().stream()
        .filter(Parameter::requiresGradient)
        .mapToLong(p -> p.getArray().getShape().size())
        .sum();
  }

  private int[] addLayers(SequentialBlock net, List<LayerSpec> layers, int[] shape, String path) {
    for (int i = 0; i < layers.size(); i++) {
      shape = addLayer(net, layers.get(i), shape, path + "[" + i + "]");
    }
    return shape;
  }

  private int[] addLayer(SequentialBlock net, LayerSpec layer, int[] shape, String path) {
    if (layer instanceof LayerSpec.Conv c) {
      return conv(
          net,
          shape,
          c.filters(),
          c.kernel(),
          c.stride(),
          c.padding(),
          c.dilation(),
          c.groups(),
          c.bias(),
          c.batchNorm(),
          c.activation(),
          path);
    }
    if (layer instanceof LayerSpec.DepthwiseConv d) {
      requireImage(shape, path);
      return conv(
          net,
          shape,
          shape[0] * d.multiplier(),
          d.kernel(),
          d.stride(),
          d.padding(),
          Size2.square(1),
          shape[0],
          d.bias(),
          d.batchNorm(),
          d.activation(),
          path);
    }
    if (layer instanceof LayerSpec.SeparableConv s) {
      requireImage(shape, path);
      int[] mid =
          conv(
              net,
              shape,
              shape[0],
              s.kernel(),
              s.stride(),
              s.padding(),
              Size2.square(1),
              shape[0],
              false,
              false,
              Activation.NONE,
              path);
      return conv(
          net,
          mid,
          s.filters(),
          Size2.square(1),
          Size2.square(1),
          Padding.VALID,
          Size2.square(1),
          1,
          s.bias(),
          s.batchNorm(),
          s.activation(),
          path);
    }
    if (layer instanceof LayerSpec.SpatialSeparableConv s) {
      int[] mid =
          conv(
              net,
              shape,
              s.filters(),
              new Size2(s.kernel(), 1),
              new Size2(s.stride().h(), 1),
              Padding.SAME,
              Size2.square(1),
              1,
              false,
              false,
              Activation.NONE,
              path);
      return conv(
          net,
          mid,
          s.filters(),
          new Size2(1, s.kernel()),
          new Size2(1, s.stride().w()),
          Padding.SAME,
          Size2.square(1),
          1,
          s.bias(),
          s.batchNorm(),
          s.activation(),
          path);
    }
    if (layer instanceof LayerSpec.Bottleneck b) {
      return bottleneck(net, b, shape, path);
    }
    if (layer instanceof LayerSpec.Residual r) {
      requireImage(shape, path);
      SequentialBlock body = new SequentialBlock();
      int[] out = addLayers(body, r.layers(), shape, path + ".layers");
      Block shortcut;
      if (r.shortcut() == LayerSpec.Shortcut.IDENTITY) {
        if (!java.util.Arrays.equals(shape, out)) {
          throw ApiException.invalid(
              path + ".shortcut",
              "identity shortcut needs the body to keep the shape "
                  + java.util.Arrays.toString(shape)
                  + " but it gives "
                  + java.util.Arrays.toString(out));
        }
        shortcut = Blocks.identityBlock();
      } else {
        shortcut = shortcut(shape, out, path);
      }
      net.add(sum(body, shortcut));
      addActivation(net, r.activation());
      return out;
    }
    if (layer instanceof LayerSpec.Repeat r) {
      int[] s = shape;
      for (int t = 0; t < r.times(); t++) {
        s = addLayers(net, r.layers(), s, path + ".layers");
      }
      return s;
    }
    if (layer instanceof LayerSpec.Pool p) {
      requireImage(shape, path);
      Shape k = shape(p.size());
      Shape st = shape(p.stride());
      Shape pad = shape(p.padding());
      net.add(
          p.max() ? new MaxPool2dBlock(k, st, pad) : Pool.avgPool2dBlock(k, st, pad, false, true));
      return positive(
          new int[] {
            shape[0],
            (shape[1] + 2 * p.padding().h() - p.size().h()) / p.stride().h() + 1,
            (shape[2] + 2 * p.padding().w() - p.size().w()) / p.stride().w() + 1
          },
          path);
    }
    if (layer instanceof LayerSpec.GlobalAvgPool g) {
      requireImage(shape, path);
      net.add(Pool.globalAvgPool2dBlock());
      net.add(Blocks.batchFlattenBlock());
      return new int[] {shape[0]};
    }
    if (layer instanceof LayerSpec.Flatten f) {
      net.add(Blocks.batchFlattenBlock());
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      return new int[] {n};
    }
    if (layer instanceof LayerSpec.Dense d) {
      if (shape.length == 3) {
        net.add(Blocks.batchFlattenBlock());
      }
      net.add(Linear.builder().setUnits(d.units()).optBias(d.bias()).build());
      addActivation(net, d.activation());
      return new int[] {d.units()};
    }
    if (layer instanceof LayerSpec.Dropout d) {
      net.add(Dropout.builder().optRate((float) d.rate()).build());
      return shape;
    }
    if (layer instanceof LayerSpec.BatchNorm b) {
      net.add(batchNorm());
      return shape;
    }
    if (layer instanceof LayerSpec.ActivationLayer a) {
      addActivation(net, a.function());
      return shape;
    }
    throw new IllegalArgumentException("unknown layer " + layer.type());
  }

  private int[] bottleneck(SequentialBlock net, LayerSpec.Bottleneck b, int[] shape, String path) {
    requireImage(shape, path);
    if (b.width() % b.groups() != 0) {
      throw ApiException.invalid(
          path + ".groups",
          "groups " + b.groups() + " must divide the bottleneck width " + b.width());
    }
    SequentialBlock body = new SequentialBlock();
    Size2 one = Size2.square(1);
    int[] s =
        conv(
            body,
            shape,
            b.width(),
            one,
            one,
            Padding.VALID,
            one,
            1,
            false,
            true,
            Activation.RELU,
            path);
    s =
        conv(
            body,
            s,
            b.width(),
            Size2.square(b.kernel()),
            Size2.square(b.stride()),
            Padding.SAME,
            one,
            b.groups(),
            false,
            true,
            Activation.RELU,
            path);
    s =
        conv(
            body,
            s,
            b.filters(),
            one,
            one,
            Padding.VALID,
            one,
            1,
            false,
            true,
            Activation.NONE,
            path);
    if (b.residual()) {
      net.add(sum(body, shortcut(shape, s, path)));
    } else {
      net.add(body);
    }
    net.add(ai.djl.nn.Activation.reluBlock());
    return s;
  }

  /** Identity when the shapes match, else a 1x1 strided conv (no bias) + BN, as kw_torch. */
  private Block shortcut(int[] in, int[] out, String path) {
    if (java.util.Arrays.equals(in, out)) {
      return Blocks.identityBlock();
    }
    if (out.length != 3) {
      throw ApiException.invalid(path, "a residual body must keep a (c, h, w) shape");
    }
    int stride = in[1] / out[1];
    if (stride < 1
        || (in[1] + stride - 1) / stride != out[1]
        || (in[2] + stride - 1) / stride != out[2]) {
      throw ApiException.invalid(
          path,
          "cannot join the shortcut "
              + java.util.Arrays.toString(in)
              + " with the body's output "
              + java.util.Arrays.toString(out));
    }
    SequentialBlock s = new SequentialBlock();
    s.add(
        Conv2d.builder()
            .setKernelShape(new Shape(1, 1))
            .optStride(new Shape(stride, stride))
            .optPadding(new Shape(0, 0))
            .setFilters(out[0])
            .optBias(false)
            .build());
    s.add(batchNorm());
    return s;
  }

  private static ParallelBlock sum(Block body, Block shortcut) {
    return new ParallelBlock(
        outputs -> {
          NDArray y = outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow());
          return new NDList(y);
        },
        List.of(body, shortcut));
  }

  private int[] conv(
      SequentialBlock net,
      int[] shape,
      int filters,
      Size2 kernel,
      Size2 stride,
      Padding padding,
      Size2 dilation,
      int groups,
      boolean bias,
      boolean batchNorm,
      Activation activation,
      String path) {
    requireImage(shape, path);
    int c = shape[0];
    if (groups < 1 || c % groups != 0) {
      throw ApiException.invalid(
          path + ".groups", "groups " + groups + " must divide the input channels " + c);
    }
    if (filters % groups != 0) {
      throw ApiException.invalid(
          path + ".groups", "groups " + groups + " must divide the filters " + filters);
    }
    Size2 pad = padding.resolve(kernel, dilation);
    net.add(
        Conv2d.builder()
            .setKernelShape(shape(kernel))
            .optStride(shape(stride))
            .optPadding(shape(pad))
            .optDilation(shape(dilation))
            .optGroups(groups)
            .setFilters(filters)
            .optBias(bias)
            .build());
    if (batchNorm) {
      net.add(batchNorm());
    }
    addActivation(net, activation);
    int oh = (shape[1] + 2 * pad.h() - dilation.h() * (kernel.h() - 1) - 1) / stride.h() + 1;
    int ow = (shape[2] + 2 * pad.w() - dilation.w() * (kernel.w() - 1) - 1) / stride.w() + 1;
    return positive(new int[] {filters, oh, ow}, path);
  }

  /** PyTorch's defaults: eps 1e-5, running stats updated with 0.1 of the batch statistics. */
  private static Block batchNorm() {
    return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
  }

  private static void addActivation(SequentialBlock net, Activation activation) {
    switch (activation) {
      case NONE -> {}
      case RELU -> net.add(ai.djl.nn.Activation.reluBlock());
      case RELU6 -> net.add(ai.djl.nn.Activation.relu6Block());
      case GELU -> net.add(ai.djl.nn.Activation.geluBlock());
      case SILU -> net.add(ai.djl.nn.Activation.swishBlock(1f));
      case SIGMOID -> net.add(ai.djl.nn.Activation.sigmoidBlock());
      case TANH -> net.add(ai.djl.nn.Activation.tanhBlock());
      case SOFTMAX -> net.add(LambdaBlock.singleton(x -> x.softmax(1), "softmax"));
    }
  }

  private static void requireImage(int[] shape, String path) {
    if (shape.length != 3) {
      throw ApiException.invalid(
          path + ".type", "needs a (c, h, w) input but gets a flat vector of " + shape[0]);
    }
  }

  private static int[] positive(int[] shape, String path) {
    for (int d : shape) {
      if (d < 1) {
        throw ApiException.invalid(
            path, "the output shape " + java.util.Arrays.toString(shape) + " reaches zero");
      }
    }
    return shape;
  }

  private static Shape shape(Size2 s) {
    return new Shape(s.h(), s.w());
  }
}
