/*
 * Writes a Kernelwise model artifact (the zip POST /api/v1/models/import takes) for a spec with
 * Xavier-random weights, so serving can be measured before a model has been trained. Run with the
 * application's classpath (see bench/README.md):
 *
 *   java -cp target/classes:$(cat /tmp/kwcp.txt) bench/MakeRandomModel.java \
 *        ../shared/bench/specs/seed-3x3.json /tmp/seed-3x3-random.zip
 *
 * The real benchmark uses a model trained through the service (accuracy is then meaningful).
 */
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.SpecParser;
import io.kernelwise.network.DjlNetworkFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import tools.jackson.databind.json.JsonMapper;

public class MakeRandomModel {
  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    String specJson = Files.readString(Path.of(args[0]));
    ArchitectureSpec spec = new SpecParser(8).parse(JsonMapper.shared().readTree(specJson), "");
    Block block = new DjlNetworkFactory(null).build(spec);
    var in = spec.input();
    ByteArrayOutputStream params = new ByteArrayOutputStream();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
      block.initialize(
          manager, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
      block.saveParameters(new DataOutputStream(params));
    }
    String[] cifar = {
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"
    };
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("spec.json", specJson.getBytes(StandardCharsets.UTF_8));
    files.put("parameters", params.toByteArray());
    files.put("labels.json", JsonMapper.shared().writeValueAsBytes(cifar));
    files.put(
        "normalization.json",
        "{\"mean\":[0.4914,0.4822,0.4465],\"std\":[0.247,0.2435,0.2616]}"
            .getBytes(StandardCharsets.UTF_8));
    Map<String, Object> checksums = new LinkedHashMap<>();
    for (var f : files.entrySet()) {
      String sha =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(f.getValue()));
      checksums.put(f.getKey(), Map.of("sha256", sha, "bytes", f.getValue().length));
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("formatVersion", 1);
    manifest.put("created", Instant.now().toString());
    manifest.put("name", spec.name() + " (random weights)");
    manifest.put(
        "input", Map.of("channels", in.channels(), "height", in.height(), "width", in.width()));
    manifest.put("classes", spec.classes());
    manifest.put("metrics", Map.of());
    manifest.put("files", checksums);
    files.put("manifest.json", JsonMapper.shared().writeValueAsBytes(manifest));
    try (OutputStream out = Files.newOutputStream(Path.of(args[1]));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var f : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(f.getKey()));
        zip.write(f.getValue());
        zip.closeEntry();
      }
    }
    System.out.println("wrote " + args[1]);
  }
}
