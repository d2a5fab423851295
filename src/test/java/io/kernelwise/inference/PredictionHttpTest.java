package io.kernelwise.inference;

import static io.kernelwise.models.ServingFixtures.CIFAR_CLASSES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Multipart;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.ServingFixtures;
import io.kernelwise.network.NetworkFactory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Predict over HTTP: single, batch, any image format, every bad input, concurrency, metrics. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kernelwise.inference.max-files-per-request=4",
      "kernelwise.inference.max-batch-size=32",
      "kernelwise.inference.max-batch-delay=20ms",
      "kernelwise.inference.max-loaded-models=2"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictionHttpTest {
  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", ServingFixtures::newDataDir);
  }

  static final JsonMapper JSON = JsonMapper.shared();

  @LocalServerPort int port;
  @Autowired ModelRegistry registry;
  @Autowired NetworkFactory networks;

  String modelId;
  List<ServingFixtures.Image> images;
  HttpJson api;

  @BeforeAll
  void registerModel(@TempDir Path tmp) throws IOException {
    modelId = ServingFixtures.registerSeedModel(registry, networks, tmp);
    images = ServingFixtures.cifarTestImages(16);
  }

  @BeforeEach
  void setUp() {
    api = HttpJson.local(port);
  }

  String predictUrl(String query) {
    return "/api/v1/models/" + modelId + "/predict" + query;
  }

  @Test
  void classifiesOneJpegWithTopKLabelsAndProbabilitiesSummingToOne() {
    Response r = postBytes(predictUrl(""), "image/jpeg", images.get(0).bytes());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.text());
    assertThat(body.get("modelId").asString()).isEqualTo(modelId);
    assertThat(body.get("predictions")).hasSize(5); // default topK
    double previous = 1;
    for (JsonNode p : body.get("predictions")) {
      assertThat(CIFAR_CLASSES).contains(p.get("label").asString());
      assertThat(p.get("probability").asDouble()).isBetween(0.0, previous);
      previous = p.get("probability").asDouble();
    }
    double[] all =
        probabilities(postBytes(predictUrl("?topK=10"), "image/jpeg", images.get(0).bytes()));
    assertThat(Arrays.stream(all).sum()).isCloseTo(1.0, within(1e-4));
    // a random network is not uniform: probabilities differ
    assertThat(all[0]).isGreaterThan(all[9] + 1e-4);
  }

  @Test
  void anySizeAndColourModeIsConverted() throws IOException {
    BufferedImage grey = new BufferedImage(100, 60, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage rgba = new BufferedImage(17, 45, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 60; y++) {
      for (int x = 0; x < 100; x++) {
        grey.getRaster().setSample(x, y, 0, (x * 3 + y) % 256);
        if (x < 17 && y < 45) {
          rgba.setRGB(x, y, new Color(x * 15, y * 5, 128, 200).getRGB());
        }
      }
    }
    for (BufferedImage image : List.of(grey, rgba)) {
      Response r = postBytes(predictUrl("?topK=10"), "image/png", png(image));
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(Arrays.stream(probabilities(r)).sum()).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void multipartBatchAnswersPerFileInOrderLikeSingleRequests() {
    List<Map.Entry<String, byte[]>> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      files.add(Map.entry(images.get(i).name() + "-" + i, images.get(i).bytes()));
    }
    Response r = postMultipart(predictUrl("?topK=10"), "file", files);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode results = JSON.readTree(r.text()).get("results");
    assertThat(results).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(results.get(i).get("file").asString()).isEqualTo(files.get(i).getKey());
      double[] single =
          probabilities(postBytes(predictUrl("?topK=10"), "image/jpeg", files.get(i).getValue()));
      assertThat(sortedByLabel(results.get(i).get("predictions")))
          .containsExactly(single, within(1e-5));
    }
    // one part answers like a single image
    Response one = postMultipart(predictUrl("?topK=3"), "file", files.subList(0, 1));
    assertThat(JSON.readTree(one.text()).get("predictions")).hasSize(3);
  }

  @Test
  void badInputIsAClear4xxAndTheServiceCarriesOn() throws IOException {
    byte[] jpeg = images.get(0).bytes();
    assertProblem(postBytes(predictUrl(""), "image/jpeg", "not an image".getBytes()), 400, "body");
    assertProblem(postBytes(predictUrl(""), "image/jpeg", new byte[0]), 400, "empty");
    assertProblem(
        postBytes(predictUrl(""), "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)),
        400,
        "truncated");
    assertProblem(postBytes(predictUrl(""), "image/png", hugePngHeader()), 400, "50000 x 50000");
    List<Map.Entry<String, byte[]>> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(Map.entry("f" + i + ".jpg", jpeg));
    }
    assertProblem(postMultipart(predictUrl(""), "file", five), 400, "at most 4");
    assertProblem(postMultipart(predictUrl(""), "other", five.subList(0, 1)), 400, "file");
    List<Map.Entry<String, byte[]>> oneBad =
        List.of(Map.entry("a.jpg", jpeg), Map.entry("b.jpg", "nope".getBytes()));
    assertProblem(postMultipart(predictUrl(""), "file", oneBad), 400, "file[1]");
    assertProblem(postBytes("/api/v1/models/missing/predict", "image/jpeg", jpeg), 404, "missing");
    assertProblem(postBytes(predictUrl("?topK=0"), "image/jpeg", jpeg), 400, "topK");
    assertProblem(postBytes(predictUrl("?topK=11"), "image/jpeg", jpeg), 400, "topK");
    assertProblem(postBytes(predictUrl("?topK=abc"), "image/jpeg", jpeg), 400, "topK");
    assertThat(postBytes(predictUrl(""), "text/plain", jpeg).status()).isEqualTo(415);
    Response garbled =
        postBytes(
            predictUrl(""), "multipart/form-data; boundary=xyz", "--xyz\r\nnot a part".getBytes());
    assertThat(garbled.status()).as(garbled.text()).isBetween(400, 499);

    assertThat(postBytes(predictUrl(""), "image/jpeg", jpeg).status()).isEqualTo(200);
  }

  @Test
  void sixtyFourConcurrentRequestsAreAllAnsweredCorrectlyInRealBatches() {
    List<double[]> expected = new ArrayList<>();
    for (ServingFixtures.Image image : images) {
      expected.add(probabilities(postBytes(predictUrl("?topK=10"), "image/jpeg", image.bytes())));
    }
    double batchesBefore = metric("kernelwise_inference_batch_size_count");
    double imagesBefore = metric("kernelwise_inference_batch_size_sum");

    List<CompletableFuture<Response>> answers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      answers.add(
          api.request("POST", predictUrl("?topK=10"))
              .body("image/jpeg", images.get(i % 16).bytes())
              .sendAsync());
    }
    for (int i = 0; i < 64; i++) {
      Response r = answers.get(i).join();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(sortedByLabel(JSON.readTree(r.text()).get("predictions")))
          .containsExactly(expected.get(i % 16), within(1e-5));
    }
    double batches = metric("kernelwise_inference_batch_size_count") - batchesBefore;
    double forwarded = metric("kernelwise_inference_batch_size_sum") - imagesBefore;
    assertThat(forwarded).isEqualTo(64);
    assertThat(batches).as("64 images in fewer forward passes").isLessThan(64);
    assertThat(metric("kernelwise_inference_batch_size_max")).isGreaterThan(1);

    String prometheus = get("/actuator/prometheus").text();
    assertThat(prometheus)
        .contains("kernelwise_inference_seconds_bucket{")
        .contains("le=\"0.001\"")
        .contains("kernelwise_models_loaded");
  }

  @Test
  void deletingAServedModelUnloadsIt(@TempDir Path tmp) throws IOException {
    String id = ServingFixtures.registerSeedModel(registry, networks, tmp);
    String url = "/api/v1/models/" + id + "/predict";
    assertThat(postBytes(url, "image/jpeg", images.get(0).bytes()).status()).isEqualTo(200);
    assertThat(get("/actuator/prometheus").text()).contains("model=\"" + id + "\"");
    double loaded = metric("kernelwise_models_loaded");
    Response deleted = api.delete("/api/v1/models/" + id);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(metric("kernelwise_models_loaded")).isEqualTo(loaded - 1);
    assertThat(get("/actuator/prometheus").text())
        .as("the model's meters are removed with it")
        .doesNotContain("model=\"" + id + "\"");
    assertProblem(postBytes(url, "image/jpeg", images.get(0).bytes()), 404, id);
  }

  @Test
  void leastRecentlyUsedModelsAreUnloadedBeyondTheLimit(@TempDir Path tmp) throws IOException {
    String second = ServingFixtures.registerSeedModel(registry, networks, tmp);
    String third = ServingFixtures.registerSeedModel(registry, networks, tmp);
    byte[] jpeg = images.get(1).bytes();
    String expected = postBytes(predictUrl("?topK=10"), "image/jpeg", jpeg).text();
    for (String id : List.of(second, third)) {
      String url = "/api/v1/models/" + id + "/predict";
      assertThat(postBytes(url, "image/jpeg", jpeg).status()).isEqualTo(200);
    }
    assertThat(metric("kernelwise_models_loaded")).isEqualTo(2); // the first one was evicted
    // and is loaded again on demand, answering the same
    assertThat(postBytes(predictUrl("?topK=10"), "image/jpeg", jpeg).text()).isEqualTo(expected);
    assertThat(metric("kernelwise_models_loaded")).isEqualTo(2);
  }

  // ---- helpers ----

  private Response get(String path) {
    return api.get(path);
  }

  private Response postBytes(String path, String contentType, byte[] body) {
    return api.post(path, contentType, body);
  }

  private Response postMultipart(String path, String field, List<Map.Entry<String, byte[]>> files) {
    Multipart form = new Multipart();
    files.forEach(f -> form.file(field, f.getKey(), f.getValue()));
    return api.multipart(path, form);
  }

  private void assertProblem(Response r, int status, String mention) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
    assertThat(r.text()).contains(mention);
  }

  /** Probabilities in class order, from a topK=10 answer. */
  private static double[] probabilities(Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return sortedByLabel(JSON.readTree(r.text()).get("predictions"));
  }

  private static double[] sortedByLabel(JsonNode predictions) {
    double[] p = new double[CIFAR_CLASSES.size()];
    for (JsonNode n : predictions) {
      p[CIFAR_CLASSES.indexOf(n.get("label").asString())] = n.get("probability").asDouble();
    }
    return p;
  }

  /** Sum over all series of one Prometheus metric (one model here, or the gauge). */
  private double metric(String name) {
    Matcher m =
        Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$")
            .matcher(get("/actuator/prometheus").text());
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      if (name.equals("kernelwise_models_loaded") || m.group(1).contains(modelId)) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    assertThat(found).as("metric " + name).isTrue();
    return sum;
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** A PNG signature and IHDR claiming 50,000 x 50,000 RGB pixels, then a tiny IDAT. */
  private static byte[] hugePngHeader() {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 16);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(50_000).putInt(50_000);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    b.putInt(13).put(ihdr.array()).putInt(crc(ihdr.array()));
    byte[] idat = {'I', 'D', 'A', 'T', 0x78, (byte) 0x9c, 0x03, 0x00};
    b.putInt(4).put(idat).putInt(crc(idat));
    return Arrays.copyOf(b.array(), b.position());
  }

  private static int crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }
}
