package io.kernelwise.network;

import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.LayerSpec;
import io.kernelwise.architecture.Padding;
import io.kernelwise.architecture.Size2;
import io.kernelwise.system.ApiException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Lowers a spec to primitive layers with exactly the semantics of the reference {@code
 * kw_torch.py}. Shapes are tracked so that depthwise channels, shortcuts and dense inputs are
 * known, and so that bad groups are reported as a 400 before the engine would fail at the first
 * forward pass.
 */
final class SpecWalk {
  private SpecWalk() {}

  /**
   * Walks every top-level layer into a sink of its own ({@code sinks} gives one per layer), in
   * order, and checks that the network ends with the spec's logits.
   */
  static void walk(ArchitectureSpec spec, Supplier<? extends LayerSink> sinks) {
    var in = spec.input();
    int[] shape = {in.channels(), in.height(), in.width()};
    for (int i = 0; i < spec.layers().size(); i++) {
      shape = layer(sinks.get(), spec.layers().get(i), shape, "layers[" + i + "]");
    }
    if (shape.length != 1 || shape[0] != spec.classes()) {
      throw ApiException.invalid(
          "layers",
          "the network ends with shape "
              + Arrays.toString(shape)
              + ", expected ("
              + spec.classes()
              + ") logits");
    }
  }

  private static int[] layers(LayerSink net, List<LayerSpec> layers, int[] shape, String path) {
    for (int i = 0; i < layers.size(); i++) {
      shape = layer(net, layers.get(i), shape, path + "[" + i + "]");
    }
    return shape;
  }

  private static int[] layer(LayerSink net, LayerSpec layer, int[] shape, String path) {
    Size2 one = Size2.square(1);
    if (layer instanceof LayerSpec.Conv c) {
      return conv(
          net,
          shape,
          new Conv(c.filters(), c.kernel(), c.stride(), c.padding(), c.dilation(), c.groups()),
          c.bias(),
          c.batchNorm(),
          c.activation(),
          path);
    }
    if (layer instanceof LayerSpec.DepthwiseConv d) {
      requireImage(shape, path);
      Conv conv =
          new Conv(shape[0] * d.multiplier(), d.kernel(), d.stride(), d.padding(), one, shape[0]);
      return conv(net, shape, conv, d.bias(), d.batchNorm(), d.activation(), path);
    }
    if (layer instanceof LayerSpec.SeparableConv s) {
      requireImage(shape, path);
      Conv depthwise = new Conv(shape[0], s.kernel(), s.stride(), s.padding(), one, shape[0]);
      int[] mid = conv(net, shape, depthwise, false, false, Activation.NONE, path);
      Conv pointwise = new Conv(s.filters(), one, one, Padding.VALID, one, 1);
      return conv(net, mid, pointwise, s.bias(), s.batchNorm(), s.activation(), path);
    }
    if (layer instanceof LayerSpec.SpatialSeparableConv s) {
      Conv rows =
          new Conv(
              s.filters(),
              new Size2(s.kernel(), 1),
              new Size2(s.stride().h(), 1),
              Padding.SAME,
              one,
              1);
      int[] mid = conv(net, shape, rows, false, false, Activation.NONE, path);
      Conv cols =
          new Conv(
              s.filters(),
              new Size2(1, s.kernel()),
              new Size2(1, s.stride().w()),
              Padding.SAME,
              one,
              1);
      return conv(net, mid, cols, s.bias(), s.batchNorm(), s.activation(), path);
    }
    if (layer instanceof LayerSpec.Bottleneck b) {
      return bottleneck(net, b, shape, path);
    }
    if (layer instanceof LayerSpec.Residual r) {
      requireImage(shape, path);
      LayerSink body = net.branch();
      int[] out = layers(body, r.layers(), shape, path + ".layers");
      LayerSink shortcut;
      if (r.shortcut() == LayerSpec.Shortcut.IDENTITY) {
        if (!Arrays.equals(shape, out)) {
          throw ApiException.invalid(
              path + ".shortcut",
              "identity shortcut needs the body to keep the shape "
                  + Arrays.toString(shape)
                  + " but it gives "
                  + Arrays.toString(out));
        }
        shortcut = null;
      } else {
        shortcut = shortcut(net, shape, out, path);
      }
      net.sum(body, shortcut);
      net.activation(r.activation());
      return out;
    }
    if (layer instanceof LayerSpec.Repeat r) {
      int[] s = shape;
      for (int t = 0; t < r.times(); t++) {
        s = layers(net, r.layers(), s, path + ".layers");
      }
      return s;
    }
    if (layer instanceof LayerSpec.Pool p) {
      requireImage(shape, path);
      net.pool(p.max(), p.size(), p.stride(), p.padding());
      return positive(
          new int[] {
            shape[0],
            (shape[1] + 2 * p.padding().h() - p.size().h()) / p.stride().h() + 1,
            (shape[2] + 2 * p.padding().w() - p.size().w()) / p.stride().w() + 1
          },
          path);
    }
    if (layer instanceof LayerSpec.GlobalAvgPool) {
      requireImage(shape, path);
      net.globalAvgPool();
      return new int[] {shape[0]};
    }
    if (layer instanceof LayerSpec.Flatten) {
      net.flatten();
      return new int[] {elements(shape)};
    }
    if (layer instanceof LayerSpec.Dense d) {
      if (shape.length == 3) {
        net.flatten();
      }
      net.dense(elements(shape), d.units(), d.bias());
      net.activation(d.activation());
      return new int[] {d.units()};
    }
    if (layer instanceof LayerSpec.Dropout d) {
      net.dropout(d.rate());
      return shape;
    }
    if (layer instanceof LayerSpec.BatchNorm) {
      net.batchNorm(shape[0]);
      return shape;
    }
    if (layer instanceof LayerSpec.ActivationLayer a) {
      net.activation(a.function());
      return shape;
    }
    throw new IllegalArgumentException("unknown layer " + layer.type());
  }

  private static int[] bottleneck(LayerSink net, LayerSpec.Bottleneck b, int[] shape, String path) {
    requireImage(shape, path);
    if (b.width() % b.groups() != 0) {
      throw ApiException.invalid(
          path + ".groups",
          "groups " + b.groups() + " must divide the bottleneck width " + b.width());
    }
    LayerSink body = net.branch();
    Size2 one = Size2.square(1);
    Conv reduce = new Conv(b.width(), one, one, Padding.VALID, one, 1);
    int[] s = conv(body, shape, reduce, false, true, Activation.RELU, path);
    Conv spatial =
        new Conv(
            b.width(),
            Size2.square(b.kernel()),
            Size2.square(b.stride()),
            Padding.SAME,
            one,
            b.groups());
    s = conv(body, s, spatial, false, true, Activation.RELU, path);
    Conv expand = new Conv(b.filters(), one, one, Padding.VALID, one, 1);
    s = conv(body, s, expand, false, true, Activation.NONE, path);
    if (b.residual()) {
      net.sum(body, shortcut(net, shape, s, path));
    } else {
      net.nest(body);
    }
    net.activation(Activation.RELU);
    return s;
  }

  /** Null (identity) when the shapes match, else a 1x1 strided conv (no bias) + BN, as kw_torch. */
  private static LayerSink shortcut(LayerSink net, int[] in, int[] out, String path) {
    if (Arrays.equals(in, out)) {
      return null;
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
              + Arrays.toString(in)
              + " with the body's output "
              + Arrays.toString(out));
    }
    LayerSink s = net.branch();
    Size2 one = Size2.square(1);
    s.conv(in[0], out[0], one, Size2.square(stride), new Size2(0, 0), one, 1, false);
    s.batchNorm(out[0]);
    return s;
  }

  /** The geometry of one convolution. */
  private record Conv(
      int filters, Size2 kernel, Size2 stride, Padding padding, Size2 dilation, int groups) {}

  private static int[] conv(
      LayerSink net,
      int[] shape,
      Conv k,
      boolean bias,
      boolean batchNorm,
      Activation activation,
      String path) {
    requireImage(shape, path);
    int c = shape[0];
    if (k.groups() < 1 || c % k.groups() != 0) {
      throw ApiException.invalid(
          path + ".groups", "groups " + k.groups() + " must divide the input channels " + c);
    }
    if (k.filters() % k.groups() != 0) {
      throw ApiException.invalid(
          path + ".groups", "groups " + k.groups() + " must divide the filters " + k.filters());
    }
    Size2 pad = k.padding().resolve(k.kernel(), k.dilation());
    net.conv(c, k.filters(), k.kernel(), k.stride(), pad, k.dilation(), k.groups(), bias);
    if (batchNorm) {
      net.batchNorm(k.filters());
    }
    net.activation(activation);
    Size2 d = k.dilation();
    int oh = (shape[1] + 2 * pad.h() - d.h() * (k.kernel().h() - 1) - 1) / k.stride().h() + 1;
    int ow = (shape[2] + 2 * pad.w() - d.w() * (k.kernel().w() - 1) - 1) / k.stride().w() + 1;
    return positive(new int[] {k.filters(), oh, ow}, path);
  }

  private static int elements(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
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
            path, "the output shape " + Arrays.toString(shape) + " reaches zero");
      }
    }
    return shape;
  }
}
