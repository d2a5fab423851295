package io.kernelwise.architecture;

import io.kernelwise.network.TestSpecs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the reference {@code ../shared/bench/kw_torch.py} computes in PyTorch for the reference
 * specs (totals and per top-level layer: output shape, parameters, MACs), two ways:
 *
 * <ul>
 *   <li>{@link #recorded()}: the record in {@code src/test/resources/pytorch-reference.jsonl},
 *       always there, so a clone without PyTorch still compares with PyTorch's numbers;
 *   <li>{@link #live()}: running {@code kw_torch.py} now, where a python with torch is found.
 * </ul>
 *
 * The record is regenerated with {@value #REGENERATE} (it needs python with torch and kw_torch.py).
 * Python: system property {@code kernelwise.test.python}, else the environment variable {@code
 * KERNELWISE_TEST_PYTHON}, else {@code /usr/bin/python3}; kw_torch.py: property {@code
 * kernelwise.test.kw-torch}, else {@code ../shared/bench/kw_torch.py}.
 */
public final class PyTorchReference {
  public static final String REGENERATE =
      "./mvnw test -Dtest=PyTorchParityTest -Dkernelwise.test.record-pytorch=true";
  static final String RESOURCE = "/pytorch-reference.jsonl";
  static final Path RECORD_FILE = Path.of("src/test/resources/pytorch-reference.jsonl");
  private static final Path DRIVER = Path.of("src/test/resources/kw_torch_driver.py");
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final Pattern TOP_LEVEL = Pattern.compile("^layers\\[(\\d+)]");

  /** One top-level layer (the classifier included) as PyTorch measures its modules. */
  public record Layer(List<Long> outputShape, long trainable, long nonTrainable, long macs) {
    public Layer {
      outputShape = List.copyOf(outputShape);
    }

    /** Trainable parameters plus BatchNorm running statistics, what an analysis row counts. */
    public long parameters() {
      return trainable + nonTrainable;
    }
  }

  /** One spec: its JSON as sent to kw_torch.py, the totals, and the layers. */
  public record Result(
      String spec,
      long trainableParameters,
      long macs,
      List<Long> outputShape,
      List<Layer> layers) {
    public Result {
      outputShape = List.copyOf(outputShape);
      layers = List.copyOf(layers);
    }
  }

  private PyTorchReference() {}

  // ---- the reference specs --------------------------------------------------------------------

  /**
   * The specs compared with PyTorch, by file name: the presets, ResNet-50, hand-written specs using
   * every layer type and 200 seeded random ones.
   */
  public static Map<String, ArchitectureSpec> specs() {
    Map<String, ArchitectureSpec> specs = new LinkedHashMap<>();
    SpecParser parser = new SpecParser(8);
    for (String name :
        List.of(
            "seed-3x3",
            "seed-5x5",
            "seed-separable",
            "vgg-cifar",
            "resnet-cifar",
            "mobilenet-cifar",
            "fast-cifar")) {
      specs.put(
          "preset-" + name + ".json", parse(parser, "/architecture/presets/" + name + ".json"));
    }
    specs.put("resnet50.json", parse(parser, "/resnet50.json"));
    for (ArchitectureSpec zoo : TestSpecs.everyLayerType()) {
      specs.put("zoo-" + zoo.name() + ".json", zoo);
    }
    List<ArchitectureSpec> random = RandomSpecs.generate(2024, 200);
    for (int i = 0; i < random.size(); i++) {
      specs.put(String.format("random-%03d.json", i), random.get(i));
    }
    return specs;
  }

  private static ArchitectureSpec parse(SpecParser parser, String resource) {
    try (InputStream in = PyTorchReference.class.getResourceAsStream(resource)) {
      return parser.parse(JSON.readTree(in), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the record -----------------------------------------------------------------------------

  /** The recorded results, by spec file name. */
  public static Map<String, Result> recorded() {
    try (InputStream in = PyTorchReference.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing; regenerate it: " + REGENERATE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes live results as the record (what {@value #REGENERATE} does). */
  static void write(Map<String, Result> results, String meta) throws IOException {
    ObjectNode header = (ObjectNode) JSON.readTree(meta);
    ((ObjectNode) header.get("meta")).put("regenerate", REGENERATE);
    StringBuilder out = new StringBuilder(JSON.writeValueAsString(header)).append('\n');
    for (Map.Entry<String, Result> e : results.entrySet()) {
      ObjectNode line = JSON.createObjectNode().put("file", e.getKey());
      line.setAll((ObjectNode) JSON.valueToTree(e.getValue()));
      line.set("spec", JSON.readTree(e.getValue().spec()));
      out.append(JSON.writeValueAsString(line)).append('\n');
    }
    Files.writeString(RECORD_FILE, out);
  }

  private static Map<String, Result> parse(String lines) {
    Map<String, Result> results = new LinkedHashMap<>();
    for (String line : lines.split("\n")) {
      if (!line.startsWith("{\"") || line.startsWith("{\"meta\"")) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      List<Layer> layers = new ArrayList<>();
      for (JsonNode l : n.get("layers")) {
        layers.add(
            new Layer(
                longs(l.get("outputShape")),
                l.get("trainable").asLong(),
                l.get("nonTrainable").asLong(),
                l.get("macs").asLong()));
      }
      results.put(
          n.get("file").asString(),
          new Result(
              n.has("spec") ? n.get("spec").toString() : null,
              n.get("trainableParameters").asLong(),
              n.get("macs").asLong(),
              longs(n.get("outputShape")),
              layers));
    }
    return results;
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> list = new ArrayList<>();
    array.forEach(v -> list.add(v.asLong()));
    return list;
  }

  // ---- live -----------------------------------------------------------------------------------

  static Path python() {
    String configured = System.getProperty("kernelwise.test.python");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("KERNELWISE_TEST_PYTHON");
    }
    return Path.of(configured == null || configured.isBlank() ? "/usr/bin/python3" : configured);
  }

  static Path kwTorch() {
    return Path.of(System.getProperty("kernelwise.test.kw-torch", "../shared/bench/kw_torch.py"));
  }

  /** Why {@link #live()} cannot run here, or empty when it can. */
  public static Optional<String> liveUnavailable() {
    Path python = python();
    if (!Files.isExecutable(python)) {
      return Optional.of(python + " is not an executable python");
    }
    if (!Files.isRegularFile(kwTorch())) {
      return Optional.of(kwTorch() + " (the reference kw_torch.py) is not here");
    }
    try {
      Process p =
          new ProcessBuilder(python.toString(), "-c", "import torch")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of(python + " did not import torch within 60 s");
      }
      if (p.exitValue() != 0) {
        String last = out.strip().lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
        return Optional.of(python + " cannot import torch (" + last + ")");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(python + " does not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** Runs kw_torch.py on every reference spec now (one process; importing torch takes seconds). */
  public static Live live() throws IOException, InterruptedException {
    Map<String, ArchitectureSpec> specs = specs();
    Path dir = Files.createTempDirectory("kw-torch-specs");
    try {
      Map<String, String> json = new LinkedHashMap<>();
      for (Map.Entry<String, ArchitectureSpec> e : specs.entrySet()) {
        // the writer's JSON, so parse -> write -> PyTorch is what is checked
        json.put(e.getKey(), RandomSpecs.json(e.getValue()));
        Files.writeString(dir.resolve(e.getKey()), json.get(e.getKey()));
      }
      Process p =
          new ProcessBuilder(
                  python().toString(), DRIVER.toString(), kwTorch().toString(), dir.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("kw_torch_driver.py failed:\n" + out);
      }
      Map<String, Result> parsed = parse(out);
      Map<String, Result> results = new LinkedHashMap<>();
      for (String file : specs.keySet()) {
        Result r = parsed.get(file);
        if (r == null) {
          throw new IllegalStateException(
              "kw_torch_driver.py gave nothing for " + file + ":\n" + out);
        }
        results.put(
            file,
            new Result(
                json.get(file), r.trainableParameters(), r.macs(), r.outputShape(), r.layers()));
      }
      String meta = out.lines().filter(l -> l.startsWith("{\"meta\"")).findFirst().orElse("{}");
      return new Live(results, meta);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  /** Live results, and the driver's meta line (kw_torch.py's hash, torch's version). */
  public record Live(Map<String, Result> results, String meta) {}

  // ---- comparing ------------------------------------------------------------------------------

  /**
   * The analysis as a {@link Result}: per top-level layer, the sums of its rows' parameters and
   * MACs and the output shape of its last row (a residual's own row follows its body's; a repeat's
   * last pass comes last).
   */
  public static Result of(String specJson, Analysis analysis) {
    Map<Integer, long[]> sums = new LinkedHashMap<>();
    Map<Integer, List<Long>> shapes = new LinkedHashMap<>();
    for (Analysis.Layer row : analysis.layers()) {
      Matcher m = TOP_LEVEL.matcher(row.path());
      if (!m.find()) {
        throw new IllegalStateException("row path " + row.path());
      }
      int i = Integer.parseInt(m.group(1));
      long[] s = sums.computeIfAbsent(i, k -> new long[2]);
      s[0] += row.parameters();
      s[1] += row.macs();
      shapes.put(i, row.outputShape());
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < sums.size(); i++) {
      // trainable and nonTrainable are not separate per row: the sum goes into trainable
      layers.add(new Layer(shapes.get(i), sums.get(i)[0], 0, sums.get(i)[1]));
    }
    return new Result(
        specJson,
        analysis.parameters().trainable(),
        analysis.macs(),
        analysis.outputShape(),
        layers);
  }

  /** A {@link Result} with each layer's parameters as one number, to compare with {@link #of}. */
  public static Result withLayerParameterSums(Result r) {
    return new Result(
        r.spec(),
        r.trainableParameters(),
        r.macs(),
        r.outputShape(),
        r.layers().stream()
            .map(l -> new Layer(l.outputShape(), l.parameters(), 0, l.macs()))
            .toList());
  }
}
