package io.kernelwise.architecture;

import io.kernelwise.system.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of valid specs over every layer type (conv with groups/dilation/explicit
 * padding, depthwise, separable, spatially separable, bottleneck with groups, residual with auto
 * and identity shortcuts, repeat, pools, batch norm, dropout, activations, dense heads). Inputs are
 * small (1-4 channels, 5-12 pixels, at most 16 channels inside) so a DJL or PyTorch model builds
 * and runs a forward pass in milliseconds. Shared test utility: the DJL-vs-analysis property test
 * uses it too.
 *
 * <pre>{@code
 * for (ArchitectureSpec spec : RandomSpecs.generate(42, 200)) { ... }
 * }</pre>
 */
public final class RandomSpecs {
  private static final Activation[] ACTIVATIONS = Activation.values();
  private final Random random;
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());
  private int count;

  public RandomSpecs(long seed) {
    this.random = new Random(seed);
  }

  /** {@code n} valid specs from {@code seed}; the same seed gives the same specs. */
  public static List<ArchitectureSpec> generate(long seed, int n) {
    RandomSpecs specs = new RandomSpecs(seed);
    List<ArchitectureSpec> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(specs.next());
    }
    return out;
  }

  /** The spec as DSL JSON (every default explicit), e.g. for kw_torch.py. */
  public static String json(ArchitectureSpec spec) {
    return SpecWriter.write(spec).toString();
  }

  /** The next valid spec (validated by {@link ArchitectureAnalyzer}). */
  public ArchitectureSpec next() {
    count++;
    InputShape input = new InputShape(pick(1, 3, 4), 5 + random.nextInt(8), 5 + random.nextInt(8));
    int classes = 2 + random.nextInt(9);
    String name = "random-" + count;
    List<LayerSpec> layers = new ArrayList<>();
    int bodyLayers = 1 + random.nextInt(6);
    for (int i = 0; i < bodyLayers; i++) {
      for (int attempt = 0; attempt < 20; attempt++) {
        Analysis now = analysis(name, input, classes, layers);
        List<Long> shape = now == null ? List.of() : now.outputShape();
        if (shape.size() != 3) {
          break;
        }
        layers.add(spatialLayer((int) (long) shape.get(0), 1));
        if (analysis(name, input, classes, layers) != null) {
          break;
        }
        layers.remove(layers.size() - 1);
      }
    }
    head(layers);
    ArchitectureSpec spec = new ArchitectureSpec(name, input, classes, layers);
    ArchitectureSpec parsed = new SpecParser(8).parse(SpecWriter.write(spec), "");
    analyzer.analyze(parsed); // throws if the generator ever produced an invalid spec
    return parsed;
  }

  private Analysis analysis(String name, InputShape in, int classes, List<LayerSpec> layers) {
    try {
      // no classifier appended here: the output shape is the last layer's
      return analyzer.analyze(new ArchitectureSpec(name, in, classes, layers));
    } catch (ApiException e) {
      return null;
    }
  }

  private void head(List<LayerSpec> layers) {
    switch (random.nextInt(4)) {
      case 0 -> layers.add(new LayerSpec.GlobalAvgPool());
      case 1 -> layers.add(new LayerSpec.Flatten());
      case 2 -> {
        layers.add(new LayerSpec.Flatten());
        layers.add(new LayerSpec.Dense(4 + random.nextInt(13), activation(), random.nextBoolean()));
        if (random.nextBoolean()) {
          layers.add(new LayerSpec.BatchNorm());
        }
        if (random.nextBoolean()) {
          layers.add(new LayerSpec.Dropout(0.25));
        }
        if (random.nextBoolean()) {
          layers.add(new LayerSpec.ActivationLayer(activation()));
        }
      }
      default -> {} // the appended classifier flattens the (c, h, w) map itself
    }
  }

  /** A layer taking {@code c} channels; may be a container holding more layers. */
  private LayerSpec spatialLayer(int c, int depth) {
    int kind = random.nextInt(depth < 3 ? 15 : 12);
    return switch (kind) {
      case 0, 1 -> conv(c);
      case 2 ->
          new LayerSpec.DepthwiseConv(
              kernel(),
              stride(),
              padding(),
              pick(1, 1, 2),
              random.nextBoolean(),
              random.nextBoolean(),
              activation());
      case 3 ->
          new LayerSpec.SeparableConv(
              channels(),
              kernel(),
              stride(),
              padding(),
              random.nextBoolean(),
              random.nextBoolean(),
              activation());
      case 4 ->
          new LayerSpec.SpatialSeparableConv(
              channels(),
              1 + random.nextInt(3),
              stride(),
              random.nextBoolean(),
              random.nextBoolean(),
              activation());
      case 5 -> {
        int groups = pick(1, 1, 2);
        yield new LayerSpec.Bottleneck(
            channels(),
            groups * (1 + random.nextInt(4)),
            pick(1, 3, 3),
            pick(1, 1, 2),
            groups,
            random.nextBoolean());
      }
      case 6 -> {
        Size2 size = Size2.square(pick(2, 2, 3));
        Size2 stride = random.nextBoolean() ? size : Size2.square(pick(1, 2));
        Size2 pad = Size2.square(random.nextInt(2));
        yield new LayerSpec.Pool(random.nextBoolean(), size, stride, pad);
      }
      case 7 -> new LayerSpec.BatchNorm();
      case 8 -> new LayerSpec.ActivationLayer(activation());
      case 9 -> new LayerSpec.Dropout(0.1);
      case 10, 11 -> conv(c);
      case 12 -> {
        // identity residual: same-padded odd kernels, stride 1, channels kept
        boolean identity = c > 0 && random.nextBoolean();
        List<LayerSpec> body = new ArrayList<>();
        int n = 1 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
          if (identity) {
            body.add(
                new LayerSpec.Conv(
                    c,
                    Size2.square(pick(1, 3)),
                    Size2.square(1),
                    Padding.SAME,
                    Size2.square(1),
                    1,
                    random.nextBoolean(),
                    random.nextBoolean(),
                    activation()));
          } else {
            body.add(spatialLayer(i == 0 ? c : 0, depth + 1));
          }
        }
        yield new LayerSpec.Residual(
            body, identity ? LayerSpec.Shortcut.IDENTITY : LayerSpec.Shortcut.AUTO, activation());
      }
      default -> {
        List<LayerSpec> body = new ArrayList<>();
        body.add(
            new LayerSpec.Conv(
                channels(),
                Size2.square(pick(1, 3)),
                Size2.square(1),
                Padding.SAME,
                Size2.square(1),
                1,
                random.nextBoolean(),
                random.nextBoolean(),
                activation()));
        if (random.nextBoolean()) {
          body.add(spatialLayer(0, depth + 1));
        }
        yield new LayerSpec.Repeat(1 + random.nextInt(3), body);
      }
    };
  }

  /** A conv with random kernel, stride, padding, dilation and groups dividing {@code c}. */
  private LayerSpec conv(int c) {
    int groups = 1;
    if (c > 1 && random.nextInt(3) == 0) {
      List<Integer> divisors = new ArrayList<>();
      for (int g = 2; g <= c; g++) {
        if (c % g == 0) {
          divisors.add(g);
        }
      }
      groups = divisors.get(random.nextInt(divisors.size()));
    }
    int filters = groups * (1 + random.nextInt(Math.max(1, 16 / groups)));
    Size2 dilation = random.nextInt(4) == 0 ? Size2.square(2) : Size2.square(1);
    boolean bn = random.nextBoolean();
    return new LayerSpec.Conv(
        filters,
        kernel(),
        stride(),
        padding(),
        dilation,
        groups,
        random.nextInt(4) == 0 ? bn : !bn,
        bn,
        activation());
  }

  private Size2 kernel() {
    return random.nextInt(5) == 0
        ? new Size2(1 + random.nextInt(3), 1 + random.nextInt(3))
        : Size2.square(pick(1, 3, 3, 5));
  }

  private Size2 stride() {
    return random.nextInt(4) == 0 ? Size2.square(2) : Size2.square(1);
  }

  private Padding padding() {
    return switch (random.nextInt(5)) {
      case 0 -> Padding.VALID;
      case 1 -> new Padding.Explicit(new Size2(random.nextInt(2), random.nextInt(3)));
      default -> Padding.SAME;
    };
  }

  private int channels() {
    return 1 + random.nextInt(16);
  }

  private Activation activation() {
    return random.nextInt(3) == 0
        ? Activation.NONE
        : ACTIVATIONS[random.nextInt(ACTIVATIONS.length)];
  }

  private int pick(int... values) {
    return values[random.nextInt(values.length)];
  }
}
