package io.kernelwise.architecture;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.KernelwiseProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Shape inference, validation and cost analysis of a spec: a pure function, no DJL. The semantics
 * of every layer are those of {@code kw_torch.py} (the reference PyTorch builder), so trainable
 * parameters and MACs equal PyTorch's. Structural limits (layers after expanding repeats, depth,
 * repeat times, channels, input pixels) are checked before any walk, so absurd specs cost nothing;
 * parameters and MACs are checked layer by layer and the walk stops at the first breach.
 */
public final class ArchitectureAnalyzer {
  private final KernelwiseProperties.Limits limits;

  public ArchitectureAnalyzer(KernelwiseProperties.Limits limits) {
    this.limits = limits;
  }

  /** The limits {@code kernelwise.limits.*} defaults to (for tests and tools). */
  public static KernelwiseProperties.Limits defaultLimits() {
    return new Binder(new MapConfigurationPropertySource())
        .bindOrCreate("kernelwise", KernelwiseProperties.class)
        .limits();
  }

  public KernelwiseProperties.Limits limits() {
    return limits;
  }

  public Analysis analyze(ArchitectureSpec spec) {
    return analyze(spec, "");
  }

  /**
   * Validates and analyses; problems name fields under {@code prefix} (e.g. {@code
   * "architecture."}).
   *
   * @throws ApiException 400 naming the field (and the limit, when one is exceeded)
   */
  public Analysis analyze(ArchitectureSpec spec, String prefix) {
    return walk(spec, prefix, null);
  }

  /** Called for every layer visited, with its spec path and input shape (transforms use it). */
  interface Visitor {
    void layer(String specPath, LayerSpec layer, Shape in);
  }

  Analysis walk(ArchitectureSpec spec, String prefix, Visitor visitor) {
    String p = prefix == null ? "" : prefix;
    checkStructure(spec, p);
    Walk w = new Walk(p, visitor);
    InputShape in = spec.input();
    Shape shape = Shape.chw(in.channels(), in.height(), in.width());
    w.activations = shape.elements();
    Shape out = w.list(spec.layers(), "layers", "layers", shape);
    long total = Sat.add(w.trainable, w.nonTrainable);
    return new Analysis(
        new Analysis.Parameters(w.trainable, w.nonTrainable, total),
        w.macs,
        out.toList(),
        List.of(w.rfH, w.rfW),
        w.rows,
        new Analysis.Memory(Sat.mul(total, 4), Sat.mul(w.activations, 4)));
  }

  // ---- structural limits, checked before any walk ------------------------------------------

  private void checkStructure(ArchitectureSpec spec, String p) {
    InputShape in = spec.input();
    if (in.pixels() > limits.maxInputPixels()) {
      throw ApiException.overLimit(
          p + "input",
          "height x width = "
              + in.pixels()
              + " pixels is over the limit of "
              + limits.maxInputPixels()
              + " (kernelwise.limits.max-input-pixels)");
    }
    channels(in.channels(), p + "input.channels");
    channels(spec.classes(), p + "classes");
    long count = count(spec.layers(), p + "layers", 1);
    if (count > limits.maxLayers()) {
      throw ApiException.overLimit(
          p + "layers",
          (count == Long.MAX_VALUE ? "an astronomical number of" : String.valueOf(count))
              + " layers after expanding repeats is over the limit of "
              + limits.maxLayers()
              + " (kernelwise.limits.max-layers)");
    }
  }

  /** Layers after expanding repeats (saturating), checking per-layer limits on the way. */
  private long count(List<LayerSpec> layers, String path, int depth) {
    if (depth > limits.maxDepth()) {
      throw ApiException.overLimit(
          path,
          "nesting depth "
              + depth
              + " is over the limit of "
              + limits.maxDepth()
              + " (kernelwise.limits.max-depth)");
    }
    long n = 0;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      String at = path + "[" + i + "]";
      if (l instanceof LayerSpec.Repeat r) {
        if (r.times() > limits.maxRepeat()) {
          throw ApiException.overLimit(
              at + ".times",
              r.times()
                  + " is over the limit of "
                  + limits.maxRepeat()
                  + " (kernelwise.limits.max-repeat)");
        }
        n = Sat.add(n, Sat.mul(r.times(), count(r.layers(), at + ".layers", depth + 1)));
      } else if (l instanceof LayerSpec.Residual r) {
        n = Sat.add(n, Sat.add(1, count(r.layers(), at + ".layers", depth + 1)));
      } else {
        if (l instanceof LayerSpec.Conv c) {
          channels(c.filters(), at + ".filters");
        } else if (l instanceof LayerSpec.SeparableConv c) {
          channels(c.filters(), at + ".filters");
        } else if (l instanceof LayerSpec.SpatialSeparableConv c) {
          channels(c.filters(), at + ".filters");
        } else if (l instanceof LayerSpec.Bottleneck b) {
          channels(b.filters(), at + ".filters");
          channels(b.width(), at + ".width");
        } else if (l instanceof LayerSpec.Dense d) {
          channels(d.units(), at + ".units");
        } else if (l instanceof LayerSpec.DepthwiseConv d) {
          channels(d.multiplier(), at + ".multiplier");
        }
        n = Sat.add(n, 1);
      }
    }
    return n;
  }

  private void channels(long c, String field) {
    if (c > limits.maxChannels()) {
      throw ApiException.overLimit(
          field,
          c
              + " channels/units is over the limit of "
              + limits.maxChannels()
              + " (kernelwise.limits.max-channels)");
    }
  }

  // ---- the walk --------------------------------------------------------------------------------

  /** Costs of the layer being analysed. */
  private static final class Cost {
    long trainable;
    long nonTrainable;
    long weights;
    long macs;
  }

  private final class Walk {
    final String prefix;
    final Visitor visitor;
    final List<Analysis.Layer> rows = new ArrayList<>();
    final List<FieldProblem> problems = new ArrayList<>();
    long trainable;
    long nonTrainable;
    long macs;
    long activations;
    // receptive field and jump (distance in input pixels between adjacent outputs), per axis
    long rfH = 1;
    long rfW = 1;
    long jumpH = 1;
    long jumpW = 1;

    Walk(String prefix, Visitor visitor) {
      this.prefix = prefix;
      this.visitor = visitor;
    }

    Shape list(List<LayerSpec> layers, String specPath, String rowPath, Shape in) {
      Shape s = in;
      for (int i = 0; i < layers.size(); i++) {
        s = layer(layers.get(i), specPath + "[" + i + "]", rowPath + "[" + i + "]", s);
      }
      return s;
    }

    Shape layer(LayerSpec layer, String sp, String rp, Shape in) {
      if (visitor != null) {
        visitor.layer(sp, layer, in);
      }
      if (layer instanceof LayerSpec.Repeat r) {
        Shape s = in;
        for (int t = 0; t < r.times(); t++) {
          s = list(r.layers(), sp + ".layers", rp + "[" + t + "].layers", s);
        }
        return s;
      }
      if (layer instanceof LayerSpec.Residual r) {
        Shape body = list(r.layers(), sp + ".layers", rp + ".layers", in);
        Cost cost = new Cost();
        join(sp, in, body, r.shortcut() == LayerSpec.Shortcut.IDENTITY, cost);
        return row(sp, rp, layer.type(), in, body, cost, false);
      }
      Cost cost = new Cost();
      Shape out = leaf(layer, sp, in, cost);
      boolean convLike = !(layer instanceof LayerSpec.Pool) && cost.weights > 0;
      return row(sp, rp, layer.type(), in, out, cost, convLike);
    }

    Shape row(String sp, String rp, String type, Shape in, Shape out, Cost c, boolean dense) {
      trainable = Sat.add(trainable, c.trainable);
      nonTrainable = Sat.add(nonTrainable, c.nonTrainable);
      macs = Sat.add(macs, c.macs);
      activations = Sat.add(activations, out.elements());
      long params = Sat.add(c.trainable, c.nonTrainable);
      Long denseEq = dense ? Sat.mul(in.elements(), out.elements()) : null;
      Double ratio = dense ? (double) in.elements() * out.elements() / c.weights : null;
      rows.add(
          new Analysis.Layer(
              rp,
              type,
              out.toList(),
              params,
              c.weights,
              c.macs,
              List.of(rfH, rfW),
              denseEq,
              ratio));
      long total = Sat.add(trainable, nonTrainable);
      if (total > limits.maxParameters()) {
        throw ApiException.overLimit(
            prefix + sp,
            "the network reaches "
                + (total == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(total))
                + " parameters here, over the limit of "
                + limits.maxParameters()
                + " (kernelwise.limits.max-parameters)");
      }
      if (macs > limits.maxMacs()) {
        throw ApiException.overLimit(
            prefix + sp,
            "the network reaches "
                + (macs == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(macs))
                + " MACs per image here, over the limit of "
                + limits.maxMacs()
                + " (kernelwise.limits.max-macs)");
      }
      return out;
    }

    Shape leaf(LayerSpec layer, String sp, Shape in, Cost cost) {
      if (layer instanceof LayerSpec.Conv c) {
        Size2 pad = c.padding().resolve(c.kernel(), c.dilation());
        return conv(
            sp,
            in,
            c.filters(),
            c.kernel(),
            c.stride(),
            pad,
            c.dilation(),
            c.groups(),
            c.bias(),
            c.batchNorm(),
            cost);
      }
      if (layer instanceof LayerSpec.DepthwiseConv d) {
        spatial(sp, in);
        long filters = Sat.mul(in.channels(), d.multiplier());
        channelsAt(filters, sp + ".multiplier", "c_in x multiplier");
        Size2 one = Size2.square(1);
        return conv(
            sp,
            in,
            (int) filters,
            d.kernel(),
            d.stride(),
            d.padding().resolve(d.kernel(), one),
            one,
            (int) in.channels(),
            d.bias(),
            d.batchNorm(),
            cost);
      }
      if (layer instanceof LayerSpec.SeparableConv s) {
        spatial(sp, in);
        Size2 one = Size2.square(1);
        Shape mid =
            conv(
                sp,
                in,
                (int) in.channels(),
                s.kernel(),
                s.stride(),
                s.padding().resolve(s.kernel(), one),
                one,
                (int) in.channels(),
                false,
                false,
                cost);
        return conv(
            sp, mid, s.filters(), one, one, Size2.square(0), one, 1, s.bias(), s.batchNorm(), cost);
      }
      if (layer instanceof LayerSpec.SpatialSeparableConv s) {
        Size2 one = Size2.square(1);
        Size2 k1 = new Size2(s.kernel(), 1);
        Size2 k2 = new Size2(1, s.kernel());
        Shape mid =
            conv(
                sp,
                in,
                s.filters(),
                k1,
                new Size2(s.stride().h(), 1),
                Padding.SAME.resolve(k1, one),
                one,
                1,
                false,
                false,
                cost);
        return conv(
            sp,
            mid,
            s.filters(),
            k2,
            new Size2(1, s.stride().w()),
            Padding.SAME.resolve(k2, one),
            one,
            1,
            s.bias(),
            s.batchNorm(),
            cost);
      }
      if (layer instanceof LayerSpec.Bottleneck b) {
        Size2 one = Size2.square(1);
        Size2 zero = Size2.square(0);
        Size2 k = Size2.square(b.kernel());
        if (b.width() % b.groups() != 0) {
          problems.add(
              new FieldProblem(
                  prefix + sp + ".groups",
                  b.groups() + " groups do not divide width " + b.width()));
          fail();
        }
        Shape a = conv(sp, in, b.width(), one, one, zero, one, 1, false, true, cost);
        Shape m =
            conv(
                sp,
                a,
                b.width(),
                k,
                Size2.square(b.stride()),
                Padding.SAME.resolve(k, one),
                one,
                b.groups(),
                false,
                true,
                cost);
        Shape out = conv(sp, m, b.filters(), one, one, zero, one, 1, false, true, cost);
        if (b.residual()) {
          join(sp, in, out, false, cost);
        }
        return out;
      }
      if (layer instanceof LayerSpec.Pool p) {
        spatial(sp, in);
        Size2 k = p.size();
        Size2 pad = p.padding();
        if (pad.h() * 2 > k.h() || pad.w() * 2 > k.w()) {
          problems.add(
              new FieldProblem(
                  prefix + sp + ".padding",
                  "must be at most half the pool size " + k.h() + "x" + k.w()));
        }
        fitKernel(sp + ".size", in, k, pad, "pool size");
        fail();
        int oh = (in.height() + 2 * pad.h() - k.h()) / p.stride().h() + 1;
        int ow = (in.width() + 2 * pad.w() - k.w()) / p.stride().w() + 1;
        advanceRf(k, p.stride(), Size2.square(1));
        return Shape.chw(in.channels(), oh, ow);
      }
      if (layer instanceof LayerSpec.GlobalAvgPool) {
        spatial(sp, in);
        globalRf(in);
        return Shape.flat(in.channels());
      }
      if (layer instanceof LayerSpec.Flatten) {
        if (in.spatial()) {
          globalRf(in);
        }
        return Shape.flat(in.elements());
      }
      if (layer instanceof LayerSpec.Dense d) {
        if (in.spatial()) {
          globalRf(in);
        }
        long n = in.elements();
        cost.weights = Sat.mul(n, d.units());
        cost.trainable = Sat.add(cost.weights, d.bias() ? d.units() : 0);
        cost.macs = cost.weights;
        return Shape.flat(d.units());
      }
      if (layer instanceof LayerSpec.BatchNorm) {
        cost.trainable = 2 * in.channels();
        cost.nonTrainable = 2 * in.channels();
        return in;
      }
      return in; // dropout, activation
    }

    /** One nn.Conv2d (+ optional BatchNorm2d), exactly as kw_torch's {@code conv}. */
    Shape conv(
        String sp,
        Shape in,
        int filters,
        Size2 k,
        Size2 stride,
        Size2 pad,
        Size2 dil,
        int groups,
        boolean bias,
        boolean bn,
        Cost cost) {
      spatial(sp, in);
      if (in.channels() % groups != 0) {
        problems.add(
            new FieldProblem(
                prefix + sp + ".groups",
                groups + " groups do not divide the " + in.channels() + " input channels"));
      }
      if (filters % groups != 0) {
        problems.add(
            new FieldProblem(
                prefix + sp + ".groups",
                groups + " groups do not divide the " + filters + " output channels (filters)"));
      }
      Size2 eff = new Size2(effective(k.h(), dil.h()), effective(k.w(), dil.w()));
      fitKernel(
          sp + ".kernel", in, eff, pad, "kernel" + (dil.h() * dil.w() > 1 ? " (dilated)" : ""));
      fail();
      int oh = (int) ((in.height() + 2L * pad.h() - eff.h()) / stride.h() + 1);
      int ow = (int) ((in.width() + 2L * pad.w() - eff.w()) / stride.w() + 1);
      long w = Sat.mul(Sat.mul(k.h(), k.w()), Sat.mul(in.channels() / groups, filters));
      cost.weights = Sat.add(cost.weights, w);
      cost.trainable = Sat.add(cost.trainable, Sat.add(w, bias ? filters : 0));
      if (bn) {
        cost.trainable = Sat.add(cost.trainable, 2L * filters);
        cost.nonTrainable = Sat.add(cost.nonTrainable, 2L * filters);
      }
      cost.macs = Sat.add(cost.macs, Sat.mul(w, Sat.mul(oh, ow)));
      advanceRf(k, stride, dil);
      return Shape.chw(filters, oh, ow);
    }

    /** Joins body and input; a 1x1 conv (stride in/out, no bias) + BN when shapes differ. */
    void join(String sp, Shape in, Shape body, boolean identity, Cost cost) {
      if (in.equals(body)) {
        return;
      }
      if (identity) {
        problems.add(
            new FieldProblem(
                prefix + sp + ".shortcut",
                "an identity shortcut needs the body to keep the shape "
                    + in
                    + " but it gives "
                    + body
                    + "; use \"auto\" for a 1x1 conv shortcut"));
        fail();
      }
      String why = null;
      if (!in.spatial() || !body.spatial()) {
        why = "only (c, h, w) shapes can be joined by a 1x1 conv shortcut";
      } else {
        int stride = in.height() / body.height();
        if (stride == 0
            || (in.height() - 1) / stride + 1 != body.height()
            || (in.width() - 1) / stride + 1 != body.width()) {
          why =
              "a 1x1 conv shortcut with stride "
                  + Math.max(stride, 1)
                  + " (input height / output height) cannot produce the body's shape";
        }
      }
      if (why != null) {
        problems.add(
            new FieldProblem(
                prefix + sp,
                "cannot join input " + in + " with the body's output " + body + ": " + why));
        fail();
      }
      long w = Sat.mul(in.channels(), body.channels());
      cost.weights = Sat.add(cost.weights, w);
      cost.trainable = Sat.add(cost.trainable, Sat.add(w, 2 * body.channels()));
      cost.nonTrainable = Sat.add(cost.nonTrainable, 2 * body.channels());
      cost.macs = Sat.add(cost.macs, Sat.mul(w, Sat.mul(body.height(), body.width())));
    }

    void fitKernel(String field, Shape in, Size2 eff, Size2 pad, String what) {
      long ph = in.height() + 2L * pad.h();
      long pw = in.width() + 2L * pad.w();
      if (eff.h() > ph || eff.w() > pw) {
        problems.add(
            new FieldProblem(
                prefix + field,
                what
                    + " "
                    + eff.h()
                    + "x"
                    + eff.w()
                    + " is larger than its padded input "
                    + ph
                    + "x"
                    + pw
                    + " (input "
                    + in
                    + "): the shape would reach zero"));
      }
    }

    void spatial(String sp, Shape in) {
      if (!in.spatial()) {
        problems.add(
            new FieldProblem(
                prefix + sp,
                "needs a (channels, height, width) input but gets a flat vector "
                    + in
                    + "; move it before flatten, globalAvgPool or dense"));
        fail();
      }
    }

    void channelsAt(long c, String field, String what) {
      if (c > limits.maxChannels()) {
        throw ApiException.overLimit(
            prefix + field,
            what
                + " = "
                + c
                + " channels is over the limit of "
                + limits.maxChannels()
                + " (kernelwise.limits.max-channels)");
      }
    }

    void fail() {
      if (!problems.isEmpty()) {
        throw ApiException.invalid(problems);
      }
    }

    void advanceRf(Size2 k, Size2 stride, Size2 dil) {
      rfH = Sat.add(rfH, Sat.mul(effective(k.h(), dil.h()) - 1L, jumpH));
      rfW = Sat.add(rfW, Sat.mul(effective(k.w(), dil.w()) - 1L, jumpW));
      jumpH = Sat.mul(jumpH, stride.h());
      jumpW = Sat.mul(jumpW, stride.w());
    }

    /** A layer that sees the whole map (global pooling, flatten, dense) covers all of it. */
    void globalRf(Shape in) {
      advanceRf(new Size2(in.height(), in.width()), Size2.square(1), Size2.square(1));
    }
  }

  private static int effective(int k, int dilation) {
    return (int) Math.min(Integer.MAX_VALUE, (long) dilation * (k - 1) + 1);
  }
}
