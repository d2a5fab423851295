package io.kernelwise.architecture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies one {@link VariantTransform} to a spec, recursively inside residual and repeat blocks.
 * Each rewrite keeps the layer's output shape by construction, so the variant is valid wherever the
 * base is. {@code keepFirst} leaves the first convolution as it is (few input channels: the
 * article's advice).
 */
final class SpecTransformer {
  private final ArchitectureAnalyzer analyzer;

  SpecTransformer(ArchitectureAnalyzer analyzer) {
    this.analyzer = analyzer;
  }

  /** The variant and how many layers the transform rewrote. */
  record Result(ArchitectureSpec spec, int changedLayers) {}

  Result apply(ArchitectureSpec base, VariantTransform transform, boolean keepFirst) {
    // Input channels of every conv, over every pass of every repeat: grouping must suit them all.
    Map<String, List<Long>> inputChannels = new HashMap<>();
    analyzer.walk(
        base,
        "",
        (path, layer, in) ->
            inputChannels.computeIfAbsent(path, p -> new ArrayList<>()).add(in.channels()));
    Rewrite r = new Rewrite(transform, keepFirst, inputChannels);
    List<LayerSpec> layers = r.list(base.layers(), "layers");
    String name = base.name() + "-" + transform.label().replace(':', '-');
    if (name.length() > SpecParser.MAX_NAME_LENGTH) {
      name = name.substring(name.length() - SpecParser.MAX_NAME_LENGTH);
    }
    return new Result(new ArchitectureSpec(name, base.input(), base.classes(), layers), r.changed);
  }

  private static final class Rewrite {
    final VariantTransform transform;
    final Map<String, List<Long>> inputChannels;
    boolean keep;
    int changed;

    Rewrite(VariantTransform t, boolean keepFirst, Map<String, List<Long>> inputChannels) {
      this.transform = t;
      this.keep = keepFirst;
      this.inputChannels = inputChannels;
    }

    List<LayerSpec> list(List<LayerSpec> layers, String path) {
      List<LayerSpec> out = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        out.addAll(layer(layers.get(i), path + "[" + i + "]"));
      }
      return out;
    }

    List<LayerSpec> layer(LayerSpec l, String path) {
      if (l instanceof LayerSpec.Residual r) {
        return List.of(
            new LayerSpec.Residual(
                list(r.layers(), path + ".layers"), r.shortcut(), r.activation()));
      }
      if (l instanceof LayerSpec.Repeat r) {
        return List.of(new LayerSpec.Repeat(r.times(), list(r.layers(), path + ".layers")));
      }
      boolean convLike =
          l instanceof LayerSpec.Conv
              || l instanceof LayerSpec.DepthwiseConv
              || l instanceof LayerSpec.SeparableConv
              || l instanceof LayerSpec.SpatialSeparableConv
              || l instanceof LayerSpec.Bottleneck;
      if (convLike && keep) {
        keep = false;
        return List.of(l);
      }
      List<LayerSpec> replaced = rewrite(l, path);
      if (replaced == null) {
        return List.of(l);
      }
      changed++;
      return replaced;
    }

    List<LayerSpec> rewrite(LayerSpec l, String path) {
      if (transform instanceof VariantTransform.Grouped g && l instanceof LayerSpec.Bottleneck b) {
        if (b.groups() == 1 && b.width() % g.groups() == 0) {
          return List.of(
              new LayerSpec.Bottleneck(
                  b.filters(), b.width(), b.kernel(), b.stride(), g.groups(), b.residual()));
        }
        return null;
      }
      if (!(l instanceof LayerSpec.Conv c) || c.groups() != 1) {
        return null;
      }
      Size2 k = c.kernel();
      Size2 one = Size2.square(1);
      boolean plain = c.dilation().equals(one);
      boolean samePadded =
          c.padding() instanceof Padding.Same
              || c.padding().resolve(k, one).equals(Padding.SAME.resolve(k, one));
      if (transform instanceof VariantTransform.Factorize) {
        boolean valid =
            c.padding() instanceof Padding.Valid || c.padding().resolve(k, one).equals(size(0));
        if (!plain || !k.isSquare() || k.h() <= 3 || k.h() % 2 == 0 || !c.stride().equals(one)) {
          return null;
        }
        if (!samePadded && !valid) {
          return null;
        }
        Padding pad = samePadded ? Padding.SAME : Padding.VALID;
        List<LayerSpec> stack = new ArrayList<>();
        for (int i = 0; i < (k.h() - 1) / 2; i++) {
          stack.add(
              new LayerSpec.Conv(
                  c.filters(), size(3), one, pad, one, 1, c.bias(), c.batchNorm(), c.activation()));
        }
        return stack;
      }
      if (transform instanceof VariantTransform.SpatialSeparable) {
        if (!plain || !k.isSquare() || k.h() <= 1 || !samePadded) {
          return null;
        }
        return List.of(
            new LayerSpec.SpatialSeparableConv(
                c.filters(), k.h(), c.stride(), c.bias(), c.batchNorm(), c.activation()));
      }
      if (transform instanceof VariantTransform.DepthwiseSeparable) {
        if (!plain || k.equals(one)) {
          return null;
        }
        return List.of(
            new LayerSpec.SeparableConv(
                c.filters(), k, c.stride(), c.padding(), c.bias(), c.batchNorm(), c.activation()));
      }
      if (transform instanceof VariantTransform.Bottleneck b) {
        int width = c.filters() / b.ratio();
        if (k.equals(one) || width < 1) {
          return null;
        }
        return List.of(
            new LayerSpec.Conv(
                width, one, one, Padding.VALID, one, 1, c.bias(), c.batchNorm(), c.activation()),
            new LayerSpec.Conv(
                width,
                k,
                c.stride(),
                c.padding(),
                c.dilation(),
                1,
                c.bias(),
                c.batchNorm(),
                c.activation()),
            new LayerSpec.Conv(
                c.filters(),
                one,
                one,
                Padding.VALID,
                one,
                1,
                c.bias(),
                c.batchNorm(),
                c.activation()));
      }
      if (transform instanceof VariantTransform.Grouped g) {
        List<Long> ins = inputChannels.getOrDefault(path, List.of());
        boolean fits =
            !ins.isEmpty()
                && c.filters() % g.groups() == 0
                && ins.stream().allMatch(cin -> cin % g.groups() == 0);
        if (!fits) {
          return null;
        }
        return List.of(
            new LayerSpec.Conv(
                c.filters(),
                k,
                c.stride(),
                c.padding(),
                c.dilation(),
                g.groups(),
                c.bias(),
                c.batchNorm(),
                c.activation()));
      }
      return null;
    }

    static Size2 size(int v) {
      return Size2.square(v);
    }
  }
}
