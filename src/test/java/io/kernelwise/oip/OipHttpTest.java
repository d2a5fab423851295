package io.kernelwise.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kernelwise.HttpJson;
import io.kernelwise.architecture.ArchitectureAnalyzer;
import io.kernelwise.architecture.SpecParser;
import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.NewModel;
import io.kernelwise.models.ServingFixtures;
import io.kernelwise.network.NetworkFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Open Inference Protocol end to end over HTTP, on a real (random-weight) model with a
 * non-square input (3 x 12 x 16, so that a mixed-up layout shows): every response validated against
 * the protocol's schemas, every input form compared with {@code /predict} on the same images, and
 * every bad request answered with the protocol's error shape and status.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kernelwise.inference.max-files-per-request=4",
      "kernelwise.inference.max-infer-request-size=1MB"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OipHttpTest {
  static final String SPEC =
      """
      {"name": "oip-test", "input": {"channels": 3, "height": 12, "width": 16}, "classes": 10,
       "layers": [{"type": "conv", "filters": 8, "kernel": 3, "activation": "relu"},
                  {"type": "maxPool", "size": 2},
                  {"type": "flatten"}, {"type": "dense", "units": 10}]}
      """;
  static final int C = 3;
  static final int H = 12;
  static final int W = 16;
  static final JsonMapper JSON = JsonMapper.shared();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", ServingFixtures::newDataDir);
  }

  @LocalServerPort int port;
  @Autowired ModelRegistry registry;
  @Autowired NetworkFactory networks;

  String first;
  String second;
  HttpJson http;

  /** Images of exactly the model's size (no resizing): raw HWC pixels and their PNG. */
  List<int[]> pixels = new ArrayList<>();

  List<byte[]> pngs = new ArrayList<>();

  @BeforeAll
  void registerModels(@TempDir Path tmp) throws IOException {
    http = HttpJson.local(port);
    first = register("oip shared name", tmp, 1);
    second = register("oip shared name", tmp, 2);
    Random random = new Random(3);
    for (int i = 0; i < 3; i++) {
      BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
      int[] hwc = new int[H * W * C];
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int r = random.nextInt(256);
          int g = random.nextInt(256);
          int b = random.nextInt(256);
          image.setRGB(x, y, (r << 16) | (g << 8) | b);
          int at = (y * W + x) * C;
          hwc[at] = r;
          hwc[at + 1] = g;
          hwc[at + 2] = b;
        }
      }
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image, "png", png);
      pixels.add(hwc);
      pngs.add(png.toByteArray());
    }
  }

  private String register(String name, Path tmp, long seed) throws IOException {
    return registry.register(
        new NewModel(
            name,
            "arch-oip",
            "dataset-oip",
            "job-oip",
            SPEC,
            ServingFixtures.CIFAR_CLASSES,
            C,
            H,
            W,
            ServingFixtures.CIFAR_MEAN,
            ServingFixtures.CIFAR_STD,
            Map.of("testAccuracy", 0.25 * seed),
            ServingFixtures.parameters(networks, SPEC, tmp, seed)));
  }

  // ---- server ----

  @Test
  void healthAndServerMetadata() {
    JsonNode live = get("/v2/health/live", 200);
    OipSchemas.assertHealth("live", live);
    assertThat(live.path("live").asBoolean()).isTrue();
    JsonNode ready = get("/v2/health/ready", 200);
    OipSchemas.assertHealth("ready", ready);
    assertThat(ready.path("ready").asBoolean()).isTrue();
    for (String path : List.of("/v2", "/v2/")) {
      JsonNode server = get(path, 200);
      OipSchemas.assertValid("metadata_server_response", server);
      assertThat(server.path("name").asString()).isEqualTo("kernelwise");
      assertThat(server.path("extensions").toString())
          .contains("classification")
          .contains("binary_tensor_data");
    }
  }

  @Test
  void unknownPathsAndMethodsAnswerTheProtocolsErrorShape() {
    OipSchemas.assertError("metadata_server_error_response", get("/v2/nothing/here", 404));
    HttpJson.Response wrongMethod = http.request("GET", "/v2/models/" + first + "/infer").send();
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    OipSchemas.assertError("inference_error_response", JSON.readTree(wrongMethod.body()));
  }

  // ---- models ----

  @Test
  void metadataByNameByIdAndByVersion() throws IOException {
    JsonNode latest = get("/v2/models/" + enc("oip shared name"), 200);
    OipSchemas.assertValid("metadata_model_response", latest);
    assertThat(latest.path("name").asString()).isEqualTo("oip shared name");
    assertThat(latest.path("versions").toString()).isEqualTo("[\"1\",\"2\"]");
    assertThat(latest.path("platform").asString()).isEqualTo("pytorch_djl");
    assertThat(latest.path("parameters").path("model_id").asString()).isEqualTo(second);
    assertThat(latest.path("parameters").path("version").asInt()).isEqualTo(2);
    assertThat(latest.path("inputs").toString())
        .isEqualTo("[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,3,12,16]}]");
    assertThat(latest.path("outputs").toString())
        .isEqualTo("[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,10]}]");
    var analysis =
        new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits())
            .analyze(new SpecParser(8).parse(JSON.readTree(SPEC), ""));
    JsonNode p = latest.path("parameters");
    assertThat(p.path("trainable_parameters").asLong())
        .isEqualTo(analysis.parameters().trainable())
        .isGreaterThan(0);
    assertThat(p.path("macs_per_image").asLong()).isEqualTo(analysis.macs()).isGreaterThan(0);
    assertThat(p.path("dataset_id").asString()).isEqualTo("dataset-oip");
    assertThat(p.path("test_accuracy").asDouble()).isEqualTo(0.5);
    assertThat(JSON.readTree(p.path("labels").asString()).toString())
        .isEqualTo(JSON.writeValueAsString(ServingFixtures.CIFAR_CLASSES));

    JsonNode v1 = get("/v2/models/" + enc("oip shared name") + "/versions/1", 200);
    OipSchemas.assertValid("metadata_model_response", v1);
    assertThat(v1.path("parameters").path("model_id").asString()).isEqualTo(first);
    assertThat(v1.path("parameters").path("test_accuracy").asDouble()).isEqualTo(0.25);

    JsonNode byId = get("/v2/models/" + first, 200);
    OipSchemas.assertValid("metadata_model_response", byId);
    assertThat(byId.path("name").asString()).isEqualTo(first);
    assertThat(byId.path("versions").toString()).isEqualTo("[\"1\"]");
    OipSchemas.assertValid(
        "metadata_model_response", get("/v2/models/" + first + "/versions/1", 200));

    JsonNode noVersion = get("/v2/models/" + enc("oip shared name") + "/versions/3", 404);
    OipSchemas.assertError("metadata_model_error_response", noVersion);
    assertThat(noVersion.path("error").asString()).contains("versions: 1, 2");
    OipSchemas.assertError("metadata_model_error_response", get("/v2/models/m-nope", 404));
    OipSchemas.assertError(
        "metadata_model_error_response", get("/v2/models/" + second + "/versions/1", 404));
  }

  @Test
  void modelReadiness() {
    for (String path :
        List.of(
            "/v2/models/" + first + "/ready",
            "/v2/models/" + enc("oip shared name") + "/ready",
            "/v2/models/" + enc("oip shared name") + "/versions/1/ready")) {
      JsonNode ready = get(path, 200);
      OipSchemas.assertHealth("model_ready", ready);
      assertThat(ready.path("ready").asBoolean()).isTrue();
    }
    OipSchemas.assertError("metadata_model_error_response", get("/v2/models/m-nope/ready", 404));
  }

  // ---- infer: every input form gives /predict's probabilities ----

  @Test
  void everyInputFormGivesThePredictProbabilities() {
    List<float[]> expected = new ArrayList<>();
    for (byte[] png : pngs) {
      expected.add(predict(second, png));
    }
    int n = pngs.size();
    List<ObjectNode> requests = new ArrayList<>();
    requests.add(input("BYTES", new long[] {n}, base64(pngs)));
    requests.add(input("BYTES", new long[] {n, 1}, nest(base64(pngs), n, 1)));
    requests.add(input("FP32", new long[] {n, C, H, W}, flat(normalizedChw())));
    requests.add(input("FP32", new long[] {n, C, H, W}, nest(flat(normalizedChw()), n, C, H, W)));
    requests.add(input("UINT8", new long[] {n, H, W, C}, flat(uint8(false))));
    requests.add(input("UINT8", new long[] {n, H, W, C}, nest(flat(uint8(false)), n, H, W, C)));
    requests.add(input("UINT8", new long[] {n, C, H, W}, flat(uint8(true))));
    requests.add(input("UINT8", new long[] {n, C, H, W}, nest(flat(uint8(true)), n, C, H, W)));
    for (ObjectNode request : requests) {
      String what =
          request.path("inputs").get(0).path("datatype").asString()
              + request.path("inputs").get(0).path("shape");
      JsonNode answer = infer("/v2/models/" + enc("oip shared name") + "/infer", request, 200);
      OipSchemas.assertValid("inference_response", answer);
      assertThat(answer.path("model_name").asString()).isEqualTo("oip shared name");
      assertThat(answer.path("model_version").asString()).isEqualTo("2");
      JsonNode out = answer.path("outputs").get(0);
      assertThat(out.path("name").asString()).isEqualTo("probabilities");
      assertThat(out.path("datatype").asString()).isEqualTo("FP32");
      assertThat(out.path("shape").toString()).isEqualTo("[" + n + ",10]");
      assertThat(out.path("data").size()).isEqualTo(n * 10);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 10; k++) {
          assertThat(out.path("data").get(i * 10 + k).floatValue())
              .as("%s image %d class %d", what, i, k)
              .isCloseTo(expected.get(i)[k], within(1e-5f));
        }
      }
    }
  }

  @Test
  void versionsAndIdsServeTheirOwnModel() {
    float[] v1 = predict(first, pngs.get(0));
    float[] v2 = predict(second, pngs.get(0));
    assertThat(v1).isNotEqualTo(v2); // different weights
    ObjectNode request = input("BYTES", new long[] {1}, base64(pngs.subList(0, 1)));
    JsonNode byVersion =
        infer("/v2/models/" + enc("oip shared name") + "/versions/1/infer", request, 200);
    JsonNode byId = infer("/v2/models/" + first + "/infer", request, 200);
    for (JsonNode answer : List.of(byVersion, byId)) {
      OipSchemas.assertValid("inference_response", answer);
      assertThat(answer.path("model_version").asString()).isEqualTo("1");
      JsonNode data = answer.path("outputs").get(0).path("data");
      for (int k = 0; k < 10; k++) {
        assertThat(data.get(k).floatValue()).isCloseTo(v1[k], within(1e-5f));
      }
    }
    assertThat(byId.path("model_name").asString()).isEqualTo(first);
  }

  @Test
  void classificationIdAndRequestedOutputs() {
    float[] p = predict(second, pngs.get(1));
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      best = p[k] > p[best] ? k : best;
    }
    ObjectNode request = input("BYTES", new long[] {2}, base64(pngs.subList(1, 3)));
    request.put("id", "req-42");
    request
        .putArray("outputs")
        .addObject()
        .put("name", "probabilities")
        .putObject("parameters")
        .put("classification", 3);
    JsonNode answer = infer("/v2/models/" + second + "/infer", request, 200);
    OipSchemas.assertValid("inference_response", answer);
    assertThat(answer.path("id").asString()).isEqualTo("req-42");
    JsonNode out = answer.path("outputs").get(0);
    assertThat(out.path("datatype").asString()).isEqualTo("BYTES");
    assertThat(out.path("shape").toString()).isEqualTo("[2,3]");
    String[] top = out.path("data").get(0).asString().split(":");
    assertThat(Float.parseFloat(top[0])).isCloseTo(p[best], within(1e-5f));
    assertThat(Integer.parseInt(top[1])).isEqualTo(best);
    assertThat(top[2]).isEqualTo(ServingFixtures.CIFAR_CLASSES.get(best));

    ObjectNode requestLevel = input("BYTES", new long[] {1}, base64(pngs.subList(1, 2)));
    requestLevel.putObject("parameters").put("classification", 1);
    JsonNode one = infer("/v2/models/" + second + "/infer", requestLevel, 200);
    OipSchemas.assertValid("inference_response", one);
    assertThat(one.path("outputs").get(0).path("data").get(0).asString())
        .endsWith(":" + best + ":" + ServingFixtures.CIFAR_CLASSES.get(best));
    assertThat(one.has("id")).isFalse();
  }

  @Test
  void binaryTensorDataExtension() {
    float[] expected = predict(second, pngs.get(0));
    float[] chw = normalizedChw()[0];
    ObjectNode header = JSON.createObjectNode();
    ObjectNode in = header.putArray("inputs").addObject();
    in.put("name", "input").put("datatype", "FP32");
    in.putArray("shape").add(1).add(C).add(H).add(W);
    in.putObject("parameters").put("binary_data_size", chw.length * 4);
    header
        .putArray("outputs")
        .addObject()
        .put("name", "probabilities")
        .putObject("parameters")
        .put("binary_data", true);
    byte[] json = JSON.writeValueAsBytes(header);
    ByteBuffer body =
        ByteBuffer.allocate(json.length + chw.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.put(json);
    for (float v : chw) {
      body.putFloat(v);
    }
    HttpJson.Response r =
        http.request("POST", "/v2/models/" + second + "/infer")
            .header("Inference-Header-Content-Length", String.valueOf(json.length))
            .body("application/octet-stream", body.array())
            .send();
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.ISO_8859_1)).isEqualTo(200);
    int headerLength =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonNode answer = JSON.readTree(new String(r.body(), 0, headerLength, StandardCharsets.UTF_8));
    JsonNode out = answer.path("outputs").get(0);
    assertThat(out.has("data")).isFalse();
    assertThat(out.path("parameters").path("binary_data_size").asInt()).isEqualTo(40);
    assertThat(r.body().length).isEqualTo(headerLength + 40);
    ByteBuffer data = ByteBuffer.wrap(r.body(), headerLength, 40).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < 10; k++) {
      assertThat(data.getFloat()).isCloseTo(expected[k], within(1e-5f));
    }
  }

  @Test
  void inferRecordsTheSameMetricsAsPredict() {
    double before = requestCount(second);
    infer(
        "/v2/models/" + second + "/infer",
        input("BYTES", new long[] {1}, base64(pngs.subList(0, 1))),
        200);
    assertThat(requestCount(second)).isEqualTo(before + 1);
  }

  // ---- infer: errors ----

  @Test
  void badRequestsGetTheProtocolsErrorShape() {
    String url = "/v2/models/" + second + "/infer";
    String png = base64(pngs.subList(0, 1)).get(0).asString();
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put(
        "wrong datatype",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[1]}]}");
    cases.put("wrong FP32 shape (h and w swapped)", fp32Body(new long[] {1, 3, 16, 12}, 576));
    cases.put("data length not matching the shape", fp32Body(new long[] {1, 3, 12, 16}, 575));
    cases.put(
        "nested data not matching the shape",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[[\""
            + png
            + "\"],[\""
            + png
            + "\"]]}]}");
    cases.put(
        "unknown output",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
            + png
            + "\"]}],\"outputs\":[{\"name\":\"logits\"}]}");
    cases.put(
        "unknown input",
        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
            + png
            + "\"]}]}");
    cases.put("UINT8 out of range", uint8Body(300));
    cases.put("UINT8 fractional", uint8Body(1.5));
    cases.put(
        "FP32 given strings",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,3,12,16],\"data\":"
            + "[\"a\"]}]}");
    cases.put(
        "BYTES not base64",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"%%%\"]}]}");
    cases.put(
        "BYTES not an image",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
            + Base64.getEncoder().encodeToString("hello".getBytes())
            + "\"]}]}");
    cases.put(
        "batch over max-files-per-request",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[5],\"data\":[\""
            + png
            + "\",\""
            + png
            + "\",\""
            + png
            + "\",\""
            + png
            + "\",\""
            + png
            + "\"]}]}");
    cases.put(
        "classification out of range",
        "{\"parameters\":{\"classification\":11},\"inputs\":[{\"name\":\"input\",\"datatype\":"
            + "\"BYTES\",\"shape\":[1],\"data\":[\""
            + png
            + "\"]}]}");
    cases.put("no inputs", "{\"id\":\"x\"}");
    cases.put("id not a string", "{\"id\":7,\"inputs\":[]}");
    cases.put("malformed JSON", "{\"inputs\":[{\"name\":");
    cases.put("not an object", "[1,2,3]");
    cases.put("empty body", "");
    cases.put("negative dimension", fp32Body(new long[] {1, -3, 12, 16}, 3));
    for (var c : cases.entrySet()) {
      HttpJson.Response r = postJson(url, c.getValue());
      assertThat(r.status())
          .as("%s -> %s", c.getKey(), new String(r.body(), StandardCharsets.UTF_8))
          .isEqualTo(400);
      OipSchemas.assertError("inference_error_response", JSON.readTree(r.body()));
    }
    // no silent coercion: a fraction, a string or a number for a flag is refused, naming the field
    String image =
        "\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
            + png
            + "\"]}]";
    List<String[]> named =
        List.of(
            new String[] {"inputs[0].shape", image.replace("[1]", "[1.5]")},
            new String[] {"inputs[0].shape", image.replace("[1]", "[\"1\"]")},
            new String[] {
              "parameters.binary_data_output", "{\"parameters\":{\"binary_data_output\":7}," + image
            },
            new String[] {
              "parameters.classification", "{\"parameters\":{\"classification\":2.5}," + image
            });
    for (String[] c : named) {
      String body = c[1].startsWith("{") ? c[1] + "}" : "{" + c[1] + "}";
      HttpJson.Response r = postJson(url, body);
      assertThat(r.status()).as("%s -> %s", c[0], r).isEqualTo(400);
      OipSchemas.assertError("inference_error_response", JSON.readTree(r.body()));
      assertThat(JSON.readTree(r.body()).path("error").asString()).startsWith(c[0] + ":");
    }
    HttpJson.Response unknown = postJson("/v2/models/m-nope/infer", cases.get("unknown input"));
    assertThat(unknown.status()).isEqualTo(404);
    OipSchemas.assertError("inference_error_response", JSON.readTree(unknown.body()));
  }

  @Test
  void hugeBodiesAreRefusedWithoutReadingThemWhole() {
    String url = "/v2/models/" + second + "/infer";
    byte[] huge =
        ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,3,12,16],"
                + "\"data\":["
                + "0,".repeat(1_000_000)
                + "0]}]}")
            .getBytes(StandardCharsets.UTF_8);
    HttpJson.Response declared = postJson(url, new String(huge, StandardCharsets.UTF_8));
    assertThat(declared.status()).isEqualTo(413);
    OipSchemas.assertError("inference_error_response", JSON.readTree(declared.body()));
    HttpJson.Response chunked =
        http.request("POST", url).body("application/json", huge).chunked().send();
    assertThat(chunked.status()).isIn(400, 413);
    OipSchemas.assertError("inference_error_response", JSON.readTree(chunked.body()));
    // a small body whose data outgrows what one request may hold stops at that bound
    HttpJson.Response tooMany = postJson(url, fp32Body(new long[] {1, 3, 12, 16}, 5 * 576));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(JSON.readTree(tooMany.body()).path("error").asString()).contains("more than");
  }

  // ---- helpers ----

  private float[] predict(String model, byte[] png) {
    HttpJson.Response r =
        http.request("POST", "/api/v1/models/" + model + "/predict?topK=10")
            .body("image/png", png)
            .send();
    assertThat(r.status()).isEqualTo(200);
    float[] p = new float[10];
    for (JsonNode prediction : JSON.readTree(r.body()).path("predictions")) {
      p[ServingFixtures.CIFAR_CLASSES.indexOf(prediction.path("label").asString())] =
          prediction.path("probability").floatValue();
    }
    return p;
  }

  private float[][] normalizedChw() {
    float[][] out = new float[pixels.size()][];
    for (int i = 0; i < out.length; i++) {
      int[] hwc = pixels.get(i);
      float[] chw = new float[C * H * W];
      for (int c = 0; c < C; c++) {
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            float v = hwc[(y * W + x) * C + c] / 255f;
            chw[c * H * W + y * W + x] =
                (v - ServingFixtures.CIFAR_MEAN[c]) / ServingFixtures.CIFAR_STD[c];
          }
        }
      }
      out[i] = chw;
    }
    return out;
  }

  private int[][] uint8(boolean chw) {
    int[][] out = new int[pixels.size()][];
    for (int i = 0; i < out.length; i++) {
      int[] hwc = pixels.get(i);
      if (!chw) {
        out[i] = hwc;
        continue;
      }
      int[] planar = new int[C * H * W];
      for (int c = 0; c < C; c++) {
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            planar[c * H * W + y * W + x] = hwc[(y * W + x) * C + c];
          }
        }
      }
      out[i] = planar;
    }
    return out;
  }

  private static ArrayNode flat(float[][] images) {
    ArrayNode a = JSON.createArrayNode();
    for (float[] image : images) {
      for (float v : image) {
        a.add(v);
      }
    }
    return a;
  }

  private static ArrayNode flat(int[][] images) {
    ArrayNode a = JSON.createArrayNode();
    for (int[] image : images) {
      for (int v : image) {
        a.add(v);
      }
    }
    return a;
  }

  private static ArrayNode base64(List<byte[]> images) {
    ArrayNode a = JSON.createArrayNode();
    images.forEach(i -> a.add(Base64.getEncoder().encodeToString(i)));
    return a;
  }

  /** A flat array nested as {@code dims} (row-major). */
  private static ArrayNode nest(ArrayNode flat, int... dims) {
    return nest(flat, dims, 0, new int[] {0});
  }

  private static ArrayNode nest(ArrayNode flat, int[] dims, int d, int[] next) {
    ArrayNode a = JSON.createArrayNode();
    for (int i = 0; i < dims[d]; i++) {
      if (d == dims.length - 1) {
        a.add(flat.get(next[0]++));
      } else {
        a.add(nest(flat, dims, d + 1, next));
      }
    }
    return a;
  }

  private static ObjectNode input(String datatype, long[] shape, ArrayNode data) {
    ObjectNode request = JSON.createObjectNode();
    ObjectNode in = request.putArray("inputs").addObject();
    in.put("name", "input").put("datatype", datatype);
    ArrayNode s = in.putArray("shape");
    for (long d : shape) {
      s.add(d);
    }
    in.set("data", data);
    return request;
  }

  private static String fp32Body(long[] shape, int values) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < values; i++) {
      data.append(i == 0 ? "" : ",").append("0.5");
    }
    StringBuilder s = new StringBuilder();
    for (long d : shape) {
      s.append(s.length() == 0 ? "" : ",").append(d);
    }
    return "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":["
        + s
        + "],\"data\":["
        + data
        + "]}]}";
  }

  private static String uint8Body(double value) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < C * H * W; i++) {
      data.append(i == 0 ? "" : ",").append(i == 7 ? String.valueOf(value) : "9");
    }
    return "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"UINT8\",\"shape\":[1,12,16,3],"
        + "\"data\":["
        + data
        + "]}]}";
  }

  private double requestCount(String model) {
    String text = http.get("/actuator/prometheus").text();
    var m =
        java.util.regex.Pattern.compile(
                "(?m)^kernelwise_inference_seconds_count\\{[^}]*model=\""
                    + model
                    + "\"[^}]*} (\\S+)$")
            .matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String enc(String name) {
    return name.replace(" ", "%20");
  }

  private JsonNode get(String path, int status) {
    HttpJson.Response r = http.get(path);
    assertThat(r.status()).as("GET %s -> %s", path, new String(r.body())).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    return JSON.readTree(r.body());
  }

  private JsonNode infer(String path, JsonNode body, int status) {
    HttpJson.Response r = postJson(path, body.toString());
    assertThat(r.status())
        .as("POST %s -> %s", path, new String(r.body(), StandardCharsets.UTF_8))
        .isEqualTo(status);
    return JSON.readTree(r.body());
  }

  private HttpJson.Response postJson(String path, String body) {
    return http.request("POST", path).json(body).send();
  }
}
