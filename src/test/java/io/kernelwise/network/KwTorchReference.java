package io.kernelwise.network;

import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.LayerSpec;
import io.kernelwise.architecture.Padding;
import io.kernelwise.architecture.Size2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the reference {@code ../shared/bench/kw_torch.py} (Debian's python3-torch) on specs written
 * as DSL JSON, so tests compare DJL blocks with PyTorch's own counts. Test-only JSON writer: the
 * production writer belongs to the architecture feature.
 */
final class KwTorchReference {
  static final Path BENCH = Path.of("../shared/bench");
  static final Path PYTHON = Path.of("/usr/bin/python3");

  record Reference(long trainableParameters, long macs, List<Integer> outputShape) {}

  private KwTorchReference() {}

  static boolean available() {
    return Files.isExecutable(PYTHON) && Files.exists(BENCH.resolve("kw_torch.py"));
  }

  /** One kw_torch process for all specs (importing torch costs seconds). */
  static List<Reference> analyse(List<ArchitectureSpec> specs)
      throws IOException, InterruptedException {
    Path input = Files.createTempFile("kw-specs", ".json");
    try {
      Files.writeString(
          input,
          specs.stream().map(KwTorchReference::json).collect(Collectors.joining(",", "[", "]")));
      String script =
          "import json,sys\n"
              + "sys.path.insert(0, sys.argv[1])\n"
              + "import kw_torch\n"
              + "for spec in json.load(open(sys.argv[2])):\n"
              + "    m, shape = kw_torch.build(spec)\n"
              + "    print(kw_torch.trainable_parameters(m), kw_torch.macs(m, spec),"
              + " ','.join(map(str, shape)))\n";
      Process p =
          new ProcessBuilder(
                  PYTHON.toString(),
                  "-c",
                  script,
                  BENCH.toAbsolutePath().toString(),
                  input.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kw_torch failed: " + out);
      }
      List<Reference> refs = new ArrayList<>();
      for (String line : out.strip().split("\n")) {
        String[] f = line.trim().split(" ");
        List<Integer> shape = new ArrayList<>();
        for (String d : f[2].split(",")) {
          shape.add(Integer.parseInt(d));
        }
        refs.add(new Reference(Long.parseLong(f[0]), Long.parseLong(f[1]), shape));
      }
      return refs;
    } finally {
      Files.deleteIfExists(input);
    }
  }

  static String json(ArchitectureSpec spec) {
    return "{\"name\":\""
        + spec.name()
        + "\",\"input\":{\"channels\":"
        + spec.input().channels()
        + ",\"height\":"
        + spec.input().height()
        + ",\"width\":"
        + spec.input().width()
        + "},\"classes\":"
        + spec.classes()
        + ",\"layers\":"
        + layers(spec.layers())
        + "}";
  }

  private static String layers(List<LayerSpec> layers) {
    return layers.stream().map(KwTorchReference::layer).collect(Collectors.joining(",", "[", "]"));
  }

  private static String layer(LayerSpec l) {
    StringBuilder b = new StringBuilder("{\"type\":\"").append(l.type()).append('"');
    if (l instanceof LayerSpec.Conv c) {
      b.append(",\"filters\":").append(c.filters());
      conv(b, c.kernel(), c.stride(), c.padding(), c.bias(), c.batchNorm(), c.activation());
      b.append(",\"dilation\":")
          .append(pair(c.dilation()))
          .append(",\"groups\":")
          .append(c.groups());
    } else if (l instanceof LayerSpec.DepthwiseConv d) {
      b.append(",\"multiplier\":").append(d.multiplier());
      conv(b, d.kernel(), d.stride(), d.padding(), d.bias(), d.batchNorm(), d.activation());
    } else if (l instanceof LayerSpec.SeparableConv s) {
      b.append(",\"filters\":").append(s.filters());
      conv(b, s.kernel(), s.stride(), s.padding(), s.bias(), s.batchNorm(), s.activation());
    } else if (l instanceof LayerSpec.SpatialSeparableConv s) {
      b.append(",\"filters\":").append(s.filters()).append(",\"kernel\":").append(s.kernel());
      b.append(",\"stride\":").append(pair(s.stride())).append(",\"bias\":").append(s.bias());
      b.append(",\"batchNorm\":").append(s.batchNorm());
      b.append(",\"activation\":\"").append(s.activation().json()).append('"');
    } else if (l instanceof LayerSpec.Bottleneck n) {
      b.append(",\"filters\":").append(n.filters()).append(",\"width\":").append(n.width());
      b.append(",\"kernel\":").append(n.kernel()).append(",\"stride\":").append(n.stride());
      b.append(",\"groups\":").append(n.groups()).append(",\"residual\":").append(n.residual());
    } else if (l instanceof LayerSpec.Residual r) {
      b.append(",\"layers\":").append(layers(r.layers()));
      b.append(",\"shortcut\":\"").append(r.shortcut().name().toLowerCase()).append('"');
      b.append(",\"activation\":\"").append(r.activation().json()).append('"');
    } else if (l instanceof LayerSpec.Repeat r) {
      b.append(",\"times\":").append(r.times()).append(",\"layers\":").append(layers(r.layers()));
    } else if (l instanceof LayerSpec.Pool p) {
      b.append(",\"size\":").append(pair(p.size())).append(",\"stride\":").append(pair(p.stride()));
      b.append(",\"padding\":").append(pair(p.padding()));
    } else if (l instanceof LayerSpec.Dense d) {
      b.append(",\"units\":").append(d.units()).append(",\"bias\":").append(d.bias());
      b.append(",\"activation\":\"").append(d.activation().json()).append('"');
    } else if (l instanceof LayerSpec.Dropout d) {
      b.append(",\"rate\":").append(d.rate());
    } else if (l instanceof LayerSpec.ActivationLayer a) {
      b.append(",\"function\":\"").append(a.function().json()).append('"');
    }
    return b.append('}').toString();
  }

  private static void conv(
      StringBuilder b,
      Size2 kernel,
      Size2 stride,
      Padding padding,
      boolean bias,
      boolean batchNorm,
      Activation activation) {
    b.append(",\"kernel\":").append(pair(kernel)).append(",\"stride\":").append(pair(stride));
    b.append(",\"padding\":");
    if (padding instanceof Padding.Same) {
      b.append("\"same\"");
    } else if (padding instanceof Padding.Valid) {
      b.append("\"valid\"");
    } else {
      b.append(pair(((Padding.Explicit) padding).size()));
    }
    b.append(",\"bias\":").append(bias).append(",\"batchNorm\":").append(batchNorm);
    b.append(",\"activation\":\"").append(activation.json()).append('"');
  }

  private static String pair(Size2 s) {
    return "[" + s.h() + "," + s.w() + "]";
  }
}
