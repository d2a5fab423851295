package io.kernelwise.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.training.TrainingTestDoubles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The experiments API over HTTP on the real jobs queue and the real architecture service, with the
 * jobs feature's doubles for the engine, datasets and model registry: creating (by ids and by
 * transforms), the comparison against the architectures' analyses and the jobs' stored metrics, the
 * chart as SVG and PNG, cancelling, and bad requests that store nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TrainingTestDoubles.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentApiTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String DATASET = TrainingTestDoubles.READY_DATASET;
  // not @TempDir: with a per-class lifecycle the context is built before JUnit fills it in
  static final Path dataDir = tempDir();

  static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("kw-experiments-test");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.heartbeat-interval", () -> "1s");
    registry.add("kernelwise.training.poll-interval", () -> "100ms");
    registry.add("kernelwise.training.cancel-poll-interval", () -> "100ms");
    registry.add("kernelwise.training.instance-name", () -> "experiments-test");
  }

  @LocalServerPort int port;
  HttpJson api;
  String seed3x3;
  String seed5x5;
  String separable;

  @BeforeAll
  void createTheArticlesNets() throws Exception {
    api = HttpJson.local(port);
    JsonNode presets = call("GET", "/api/v1/architectures/presets", null).json();
    for (JsonNode p : presets) {
      String name = p.get("name").asString();
      if (List.of("seed-3x3", "seed-5x5", "seed-separable").contains(name)) {
        Response r = call("POST", "/api/v1/architectures", p.get("spec").toString());
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("id").asString();
        switch (name) {
          case "seed-3x3" -> seed3x3 = id;
          case "seed-5x5" -> seed5x5 = id;
          default -> separable = id;
        }
      }
    }
    assertThat(List.of(seed3x3, seed5x5, separable)).doesNotContainNull();
  }

  // ---- creating and comparing -------------------------------------------------------------------

  @Test
  void comparesTheArticlesThreeNetsWithTheirAnalysesAndTheJobsMetrics() throws Exception {
    Response r =
        call(
            "POST",
            "/api/v1/experiments",
            body(
                    "name",
                    "3x3 stack vs 5x5 vs separable",
                    "architectureIds",
                    List.of(seed3x3, seed5x5, separable),
                    "epochs",
                    2)
                .toString());
    assertThat(r.status()).isEqualTo(202);
    String id = r.json().get("id").asString();
    assertThat(r.location()).isEqualTo("/api/v1/experiments/" + id);
    assertThat(r.json().get("state").asString()).isEqualTo("RUNNING"); // 3 jobs just queued
    assertThat(r.json().get("name").asString()).isEqualTo("3x3 stack vs 5x5 vs separable");
    assertThat(r.json().at("/hyperparameters/epochs").asInt()).isEqualTo(2);
    assertThat(r.json().at("/hyperparameters/optimizer/type").asString()).isEqualTo("adam");

    JsonNode done = awaitExperiment(id, state("SUCCEEDED"));
    JsonNode rows = done.get("architectures");
    List<String> ids = List.of(seed3x3, seed5x5, separable);
    assertThat(rows).hasSize(3);
    long firstParameters = 0;
    for (int i = 0; i < 3; i++) {
      JsonNode row = rows.get(i);
      JsonNode architecture = call("GET", "/api/v1/architectures/" + ids.get(i), null).json();
      JsonNode analysis = architecture.get("analysis");
      long trainable = analysis.at("/parameters/trainable").asLong();
      firstParameters = i == 0 ? trainable : firstParameters;
      assertThat(row.get("architectureId").asString()).isEqualTo(ids.get(i));
      assertThat(row.get("name").asString()).isEqualTo(architecture.get("name").asString());
      assertThat(row.get("transform").isNull()).isTrue();
      assertThat(row.get("parameters").asLong()).isEqualTo(trainable);
      assertThat(row.get("parameterRatio").asDouble())
          .isEqualTo((double) trainable / firstParameters);
      assertThat(row.get("macs").asLong()).isEqualTo(analysis.get("macs").asLong());
      assertThat(row.get("receptiveField")).isEqualTo(analysis.get("receptiveField"));

      String jobId = row.get("jobId").asString();
      JsonNode job = call("GET", "/api/v1/jobs/" + jobId, null).json();
      assertThat(job.get("architectureId").asString()).isEqualTo(ids.get(i));
      assertThat(job.get("datasetId").asString()).isEqualTo(DATASET);
      assertThat(row.get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(row.get("testAccuracy").asDouble()).isEqualTo(job.get("testAccuracy").asDouble());
      assertThat(row.get("modelId").asString()).isEqualTo(job.get("modelId").asString());

      JsonNode epochs =
          call("GET", "/api/v1/jobs/" + jobId + "/metrics", null).json().get("epochs");
      assertThat(epochs).hasSize(2);
      double best = -1;
      int bestEpoch = 0;
      double seconds = 0;
      double imagesPerSecond = 0;
      for (JsonNode e : epochs) {
        if (e.get("valAccuracy").asDouble() > best) {
          best = e.get("valAccuracy").asDouble();
          bestEpoch = e.get("epoch").asInt();
        }
        seconds += e.get("seconds").asDouble();
        imagesPerSecond += e.get("imagesPerSecond").asDouble();
      }
      assertThat(row.get("epochs").asInt()).isEqualTo(2);
      assertThat(row.get("epochsDone").asInt()).isEqualTo(epochs.size());
      assertThat(row.get("bestValAccuracy").asDouble()).isEqualTo(best);
      assertThat(row.get("bestEpoch").asInt()).isEqualTo(bestEpoch);
      assertThat(row.get("finalValAccuracy").asDouble())
          .isEqualTo(epochs.get(epochs.size() - 1).get("valAccuracy").asDouble());
      assertThat(row.get("secondsPerEpoch").asDouble()).isEqualTo(seconds / epochs.size());
      assertThat(row.get("imagesPerSecond").asDouble()).isEqualTo(imagesPerSecond / epochs.size());
    }
    // listed, newest first
    JsonNode page = call("GET", "/api/v1/experiments?page=0&size=50", null).json();
    assertThat(page.get("size").asInt()).isEqualTo(50);
    assertThat(page.get("items").findValuesAsString("id")).contains(id);
  }

  @Test
  void derivesVariantsFromABaseAndComparesThemWithIt() throws Exception {
    long architecturesBefore = total("/api/v1/architectures");
    ObjectNode body = body("baseArchitectureId", seed5x5, "epochs", 1);
    body.set("transforms", JSON.readTree("[\"factorize\", \"depthwiseSeparable\"]"));
    body.put("keepFirst", true);
    Response r = call("POST", "/api/v1/experiments", body.toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    assertThat(total("/api/v1/architectures")).isEqualTo(architecturesBefore + 2);
    assertThat(r.json().get("baseArchitectureId").asString()).isEqualTo(seed5x5);

    JsonNode done = awaitExperiment(r.json().get("id").asString(), state("SUCCEEDED"));
    JsonNode rows = done.get("architectures");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get("architectureId").asString()).isEqualTo(seed5x5);
    assertThat(rows.get(0).get("transform").isNull()).isTrue();
    List<String> transforms = List.of("factorize", "depthwiseSeparable");
    for (int i = 1; i < 3; i++) {
      JsonNode row = rows.get(i);
      JsonNode variant =
          call("GET", "/api/v1/architectures/" + row.get("architectureId").asString(), null).json();
      assertThat(variant.get("baseId").asString()).isEqualTo(seed5x5);
      assertThat(variant.get("transform").asString()).isEqualTo(transforms.get(i - 1));
      assertThat(row.get("transform").asString()).isEqualTo(transforms.get(i - 1));
      assertThat(row.get("name").asString()).isEqualTo(variant.get("name").asString());
      assertThat(row.get("parameters").asLong())
          .isEqualTo(variant.at("/analysis/parameters/trainable").asLong());
      assertThat(row.get("macs").asLong()).isEqualTo(variant.at("/analysis/macs").asLong());
      assertThat(row.get("receptiveField")).isEqualTo(variant.at("/analysis/receptiveField"));
      assertThat(row.get("parameterRatio").asDouble())
          .isEqualTo(row.get("parameters").asDouble() / rows.get(0).get("parameters").asLong());
      assertThat(row.get("epochsDone").asInt()).isEqualTo(1);
    }
  }

  // ---- the chart --------------------------------------------------------------------------------

  @Test
  void chartsValidationAccuracyPerEpochAsSvgAndPng() throws Exception {
    String id = createAndFinish(List.of(seed3x3, separable), 3);
    JsonNode rows = call("GET", "/api/v1/experiments/" + id, null).json().get("architectures");

    Response svg = raw("/api/v1/experiments/" + id + "/chart", null);
    assertThat(svg.status()).isEqualTo(200);
    assertThat(svg.contentType()).startsWith("image/svg+xml");
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.body()));
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    String text = doc.getDocumentElement().getTextContent();
    assertThat(text).contains("epoch", "validation accuracy", "dataset " + DATASET);
    for (JsonNode row : rows) {
      assertThat(text)
          .contains(
              row.get("name").asString()
                  + " ("
                  + String.format(Locale.ROOT, "%,d", row.get("parameters").asLong())
                  + " params)");
    }
    // one line per architecture: a path per series, with a point per epoch
    assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").getLength())
        .isGreaterThanOrEqualTo(rows.size());

    Response png = raw("/api/v1/experiments/" + id + "/chart?format=png", null);
    assertThat(png.status()).isEqualTo(200);
    assertThat(png.contentType()).isEqualTo("image/png");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(500);

    Response accepted =
        raw("/api/v1/experiments/" + id + "/chart?width=640&height=400", "image/png");
    assertThat(accepted.contentType()).isEqualTo("image/png");
    BufferedImage small = ImageIO.read(new ByteArrayInputStream(accepted.body()));
    assertThat(small.getWidth()).isEqualTo(640);
    assertThat(small.getHeight()).isEqualTo(400);

    Response preferred =
        raw("/api/v1/experiments/" + id + "/chart", "image/png;q=0.5, image/svg+xml");
    assertThat(preferred.contentType()).startsWith("image/svg+xml");

    assertThat(raw("/api/v1/experiments/" + id + "/chart?format=gif", null).status())
        .isEqualTo(400);
    assertThat(raw("/api/v1/experiments/" + id + "/chart?width=10", null).status()).isEqualTo(400);
  }

  // ---- cancelling -------------------------------------------------------------------------------

  @Test
  void cancelStopsEveryUnfinishedJob() throws Exception {
    Response r =
        call(
            "POST",
            "/api/v1/experiments",
            body("architectureIds", List.of(seed3x3, seed5x5), "epochs", 500).toString());
    assertThat(r.status()).isEqualTo(202);
    String id = r.json().get("id").asString();

    Response cancelled = call("POST", "/api/v1/experiments/" + id + "/cancel", null);
    assertThat(cancelled.status()).isEqualTo(202);
    assertThat(cancelled.json().get("cancelRequestedAt").isNull()).isFalse();

    JsonNode done = awaitExperiment(id, state("CANCELLED"));
    for (JsonNode row : done.get("architectures")) {
      assertThat(row.get("state").asString()).isEqualTo("CANCELLED");
      JsonNode job = call("GET", "/api/v1/jobs/" + row.get("jobId").asString(), null).json();
      assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
    }
    Response again = call("POST", "/api/v1/experiments/" + id + "/cancel", null);
    assertThat(again.status()).isEqualTo(409);
  }

  // ---- bad requests and unknown ids -------------------------------------------------------------

  @Test
  void badRequestsNameTheirFieldsAndStoreNothing() throws Exception {
    assertRejected("{}", 400, "architectureIds", "datasetId");
    assertRejected("[1]", 400, "body");
    assertRejected(body("architectureIds", List.of(seed3x3, seed3x3)), 400, "architectureIds[1]");
    assertRejected(body("architectureIds", List.of()), 400, "architectureIds");
    ObjectNode both = body("architectureIds", List.of(seed3x3));
    both.put("baseArchitectureId", seed5x5);
    assertRejected(both, 400, "baseArchitectureId");
    ObjectNode unknownField = body("architectureIds", List.of(seed3x3));
    unknownField.put("colour", "red");
    assertRejected(unknownField, 400, "colour");
    ObjectNode transformsWithoutBase = body("architectureIds", List.of(seed3x3));
    transformsWithoutBase.set("transforms", JSON.readTree("[\"factorize\"]"));
    assertRejected(transformsWithoutBase, 400, "transforms");
    assertRejected(body("baseArchitectureId", seed5x5), 400, "transforms");

    ObjectNode badHyper = body("architectureIds", List.of(seed3x3, seed5x5));
    badHyper.set(
        "hyperparameters",
        JSON.readTree("{\"epochs\": 0, \"optimizer\": {\"type\": \"rmsprop\"}}"));
    assertRejected(badHyper, 400, "hyperparameters.epochs", "hyperparameters.optimizer.type");

    // a bad transform: the base is fine, no variant may stay behind
    ObjectNode badTransform = body("baseArchitectureId", seed5x5);
    badTransform.set("transforms", JSON.readTree("[\"factorize\", \"nope\"]"));
    assertRejected(badTransform, 400, "transforms[1]");
    // bad hyperparameters with transforms: rejected before any variant is derived
    ObjectNode badHyperWithTransforms = body("baseArchitectureId", seed5x5);
    badHyperWithTransforms.set("transforms", JSON.readTree("[\"factorize\"]"));
    badHyperWithTransforms.set("hyperparameters", JSON.readTree("{\"batchSize\": -1}"));
    assertRejected(badHyperWithTransforms, 400, "hyperparameters.batchSize");

    // what the ids point at: each named by the experiment's field
    assertRejected(
        body("architectureIds", List.of(seed3x3, "a-missing")), 404, "architectureIds[1]");
    assertRejected(
        body("baseArchitectureId", "a-missing", "transforms", "factorize"),
        404,
        "baseArchitectureId");
    ObjectNode unknownDataset = body("architectureIds", List.of(seed3x3));
    unknownDataset.put("datasetId", "no-such-dataset");
    assertRejected(unknownDataset, 404, "datasetId");
    ObjectNode busyDataset = body("architectureIds", List.of(seed3x3));
    busyDataset.put("datasetId", TrainingTestDoubles.BUSY_DATASET);
    assertRejected(busyDataset, 409, "datasetId");

    // an architecture for 100 classes does not fit a 10-class dataset
    JsonNode spec = call("GET", "/api/v1/architectures/" + seed3x3, null).json().get("spec");
    ObjectNode hundred = (ObjectNode) spec.deepCopy();
    hundred.put("name", "seed-3x3-cifar100");
    hundred.put("classes", 100);
    ((tools.jackson.databind.node.ArrayNode) hundred.get("layers"))
        .remove(hundred.get("layers").size() - 1);
    Response created = call("POST", "/api/v1/architectures", hundred.toString());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertRejected(
        body("architectureIds", List.of(seed3x3, created.json().get("id").asString())),
        409,
        "architectureIds[1]");
  }

  @Test
  void unknownExperimentsAre404() throws Exception {
    for (String path :
        List.of("/api/v1/experiments/x-missing", "/api/v1/experiments/x-missing/chart")) {
      Response r = call("GET", path, null);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.json().get("detail").asString()).contains("x-missing");
    }
    // asking for an image still gets the problem, not an empty 406
    Response asImage = raw("/api/v1/experiments/x-missing/chart", "image/png");
    assertThat(asImage.status()).isEqualTo(404);
    assertThat(asImage.contentType()).startsWith("application/problem+json");
    assertThat(call("POST", "/api/v1/experiments/x-missing/cancel", null).status()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/experiments?size=0", null).status()).isEqualTo(400);
  }

  @Test
  void endpointsAreDocumentedInOpenApi() throws Exception {
    JsonNode paths = call("GET", "/v3/api-docs", null).json().get("paths");
    assertThat(paths.has("/api/v1/experiments")).isTrue();
    assertThat(paths.has("/api/v1/experiments/{id}")).isTrue();
    assertThat(paths.has("/api/v1/experiments/{id}/chart")).isTrue();
    assertThat(paths.has("/api/v1/experiments/{id}/cancel")).isTrue();
    assertThat(paths.at("/~1api~1v1~1experiments/post/summary").asString()).isNotBlank();
  }

  // ---- helpers --------------------------------------------------------------------------------

  Response call(String method, String path, String body) {
    return api.request(method, path).json(body).send();
  }

  Response raw(String path, String accept) {
    HttpJson.Request r = api.request("GET", path);
    if (accept != null) {
      r.header("Accept", accept);
    }
    return r.send();
  }

  /** A request on the ready dataset; pairs of field, value; "epochs" goes into hyperparameters. */
  static ObjectNode body(Object... fieldsAndValues) {
    ObjectNode body = JSON.createObjectNode();
    body.put("datasetId", DATASET);
    body.put("device", "cpu");
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      String field = (String) fieldsAndValues[i];
      Object value = fieldsAndValues[i + 1];
      if (field.equals("epochs")) {
        body.set(
            "hyperparameters",
            JSON.createObjectNode().put("epochs", (int) value).put("batchSize", 8));
      } else if (field.equals("transforms")) {
        body.set("transforms", JSON.createArrayNode().add((String) value));
      } else {
        body.set(field, JSON.valueToTree(value));
      }
    }
    return body;
  }

  String createAndFinish(List<String> ids, int epochs) throws Exception {
    Response r =
        call(
            "POST",
            "/api/v1/experiments",
            body("architectureIds", ids, "epochs", epochs).toString());
    assertThat(r.status()).isEqualTo(202);
    String id = r.json().get("id").asString();
    awaitExperiment(id, state("SUCCEEDED"));
    return id;
  }

  void assertRejected(Object body, int status, String... fields) throws Exception {
    long experiments = total("/api/v1/experiments");
    long jobs = total("/api/v1/jobs");
    long architectures = total("/api/v1/architectures");
    Response r = call("POST", "/api/v1/experiments", body.toString());
    assertThat(r.status()).as(body + " -> " + r.json()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    List<String> named = new ArrayList<>();
    r.json().path("errors").forEach(e -> named.add(e.get("field").asString()));
    assertThat(named).as(r.json().toString()).contains(fields);
    assertThat(total("/api/v1/experiments")).as("experiments after " + body).isEqualTo(experiments);
    assertThat(total("/api/v1/jobs")).as("jobs after " + body).isEqualTo(jobs);
    assertThat(total("/api/v1/architectures"))
        .as("architectures after " + body)
        .isEqualTo(architectures);
  }

  long total(String list) throws Exception {
    return call("GET", list + "?size=1", null).json().get("total").asLong();
  }

  JsonNode awaitExperiment(String id, Predicate<JsonNode> condition) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode e = call("GET", "/api/v1/experiments/" + id, null).json();
      if (condition.test(e)) {
        return e;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out; experiment is " + e);
      }
      Thread.sleep(50);
    }
  }

  static Predicate<JsonNode> state(String s) {
    return e -> e.get("state").asString().equals(s);
  }

  static {
    // the PNG check decodes images in the test JVM
    System.setProperty("java.awt.headless", "true");
  }
}
