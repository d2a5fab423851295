package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The analysis against the reference semantics: for every preset, ResNet-50 and 200 random specs,
 * trainable parameters, MACs and output shape equal what {@code kw_torch.py} builds in PyTorch.
 * Needs {@code /usr/bin/python3} with torch (CI installs python3-torch): fails, never skips,
 * without them.
 */
class PyTorchParityTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path BENCH = Path.of("../shared/bench");
  private static final Path DRIVER = Path.of("src/test/resources/kw_torch_driver.py");
  private static final List<String> PRESETS =
      List.of(
          "seed-3x3", "seed-5x5", "seed-separable", "vgg-cifar", "resnet-cifar", "mobilenet-cifar");

  private final SpecParser parser = new SpecParser(8);
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());
  private final JsonMapper json = JsonMapper.shared();

  @Test
  void analysisEqualsPyTorch(@TempDir Path dir) throws Exception {
    assertThat(PYTHON)
        .as("python3 with torch is required (apt-get install python3-torch)")
        .exists();
    assertThat(BENCH.resolve("kw_torch.py"))
        .as("the reference ../shared/bench/kw_torch.py")
        .exists();
    Map<String, ArchitectureSpec> specs = new HashMap<>();
    for (String name : PRESETS) {
      specs.put("preset-" + name + ".json", resource("/architecture/presets/" + name + ".json"));
    }
    specs.put("resnet50.json", resource("/resnet50.json"));
    List<ArchitectureSpec> random = RandomSpecs.generate(2024, 200);
    for (int i = 0; i < random.size(); i++) {
      specs.put(String.format("random-%03d.json", i), random.get(i));
    }
    for (Map.Entry<String, ArchitectureSpec> e : specs.entrySet()) {
      // the writer's JSON, so parse -> write -> PyTorch is what is checked
      Files.writeString(dir.resolve(e.getKey()), RandomSpecs.json(e.getValue()));
    }

    Process p =
        new ProcessBuilder(PYTHON.toString(), DRIVER.toString(), BENCH.toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();

    int checked = 0;
    for (String line : out.split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonNode torch = json.readTree(line);
      String file = torch.get("file").stringValue();
      ArchitectureSpec spec = specs.get(file);
      Analysis a = analyzer.analyze(spec);
      String why = file + ": " + RandomSpecs.json(spec);
      assertThat(a.parameters().trainable())
          .as(why)
          .isEqualTo(torch.get("trainableParameters").longValue());
      assertThat(a.macs()).as(why).isEqualTo(torch.get("macs").longValue());
      assertThat(a.outputShape().toString())
          .as(why)
          .isEqualTo(torch.get("outputShape").toString().replace(",", ", "));
      checked++;
    }
    assertThat(checked).as(out).isEqualTo(specs.size());
    System.out.println("PyTorch parity: " + checked + " specs equal kw_torch.py");
  }

  private ArchitectureSpec resource(String path) throws Exception {
    try (InputStream in = getClass().getResourceAsStream(path)) {
      return parser.parse(json.readTree(in), "");
    }
  }
}
