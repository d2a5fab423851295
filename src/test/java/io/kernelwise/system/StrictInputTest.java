package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.training.TrainingTestDoubles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Input coercion is explicit: a fraction for an integer, a number for a boolean, a string for a
 * number or a number for a string is a 400 problem naming the field, for every JSON body the API
 * reads (jobs, experiments, architectures, variants, keys), and nothing is stored. Jackson alone
 * would truncate {@code "batchSize": 32.5} to 32 and read {@code "flip": 7} as true.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TrainingTestDoubles.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictInputTest {
  static final String DATASET = TrainingTestDoubles.READY_DATASET;
  static final Path dataDir = tempDir();

  static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("kw-strict-input-test");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.instance-name", () -> "strict-input-test");
  }

  @LocalServerPort int port;
  HttpJson api;
  String architecture;
  String spec;

  @BeforeAll
  void storeAnArchitecture() {
    api = HttpJson.local(port);
    for (JsonNode p : api.getJson("/api/v1/architectures/presets")) {
      if (p.get("name").asString().equals("seed-3x3")) {
        spec = p.get("spec").toString();
      }
    }
    architecture = api.postJson("/api/v1/architectures", spec, 201).get("id").asString();
  }

  /** What the tests count before and after: jobs, experiments, architectures, keys. */
  Map<String, Long> stored() {
    return Map.of(
        "jobs", total("/api/v1/jobs?size=1"),
        "experiments", total("/api/v1/experiments?size=1"),
        "architectures", total("/api/v1/architectures?size=1"),
        "keys", total("/api/v1/keys?size=1"));
  }

  long total(String path) {
    return api.getJson(path).get("total").asLong();
  }

  /** POSTs each body; each must be a 400 problem naming {@code field}, storing nothing. */
  void refused(String path, String field, List<String> bodies) {
    Map<String, Long> before = stored();
    for (String body : bodies) {
      Response r = api.postJson(path, body);
      assertThat(r.status()).as("%s %s", body, r).isEqualTo(400);
      assertThat(r.contentType()).startsWith("application/problem+json");
      JsonNode problem = r.json();
      List<String> fields = new ArrayList<>();
      problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
      assertThat(fields).as("%s %s", body, r).contains(field);
      assertThat(r.text()).as(body).doesNotContain("java.", "tools.jackson", "`", "Coercion");
    }
    assertThat(stored()).isEqualTo(before);
  }

  String job(String hyperparameters) {
    return "{\"architectureId\":\""
        + architecture
        + "\",\"datasetId\":\""
        + DATASET
        + "\",\"hyperparameters\":"
        + hyperparameters
        + "}";
  }

  @Test
  void aValidJobIsAccepted() {
    // the control: the same body with integers and booleans is queued
    Response r =
        api.postJson(
            "/api/v1/jobs",
            job(
                "{\"epochs\":1,\"batchSize\":32,\"seed\":7,\"augmentation\":{\"flip\":true},"
                    + "\"optimizer\":{\"learningRate\":1},\"earlyStopping\":{\"patience\":2}}"));
    assertThat(r.status()).as("%s", r).isEqualTo(202);
  }

  @Test
  void fractionsForIntegersAreRefused() {
    refused("/api/v1/jobs", "hyperparameters.batchSize", List.of(job("{\"batchSize\":32.5}")));
    refused("/api/v1/jobs", "hyperparameters.epochs", List.of(job("{\"epochs\":2.5}")));
    refused("/api/v1/jobs", "hyperparameters.seed", List.of(job("{\"seed\":42.5}")));
    refused(
        "/api/v1/jobs",
        "hyperparameters.earlyStopping.patience",
        List.of(job("{\"earlyStopping\":{\"patience\":2.5}}")));
    refused(
        "/api/v1/jobs",
        "hyperparameters.schedule.stepEpochs",
        List.of(job("{\"schedule\":{\"type\":\"step\",\"stepEpochs\":1.5}}")));
  }

  @Test
  void otherTypesForBooleansAreRefused() {
    refused(
        "/api/v1/jobs",
        "hyperparameters.augmentation.flip",
        List.of(
            job("{\"augmentation\":{\"flip\":7}}"),
            job("{\"augmentation\":{\"flip\":1}}"),
            job("{\"augmentation\":{\"flip\":\"true\"}}"),
            job("{\"augmentation\":{\"flip\":0.5}}")));
  }

  @Test
  void stringsForNumbersAndNumbersForStringsAreRefused() {
    refused("/api/v1/jobs", "hyperparameters.epochs", List.of(job("{\"epochs\":\"5\"}")));
    refused("/api/v1/jobs", "hyperparameters.batchSize", List.of(job("{\"batchSize\":\"\"}")));
    refused(
        "/api/v1/jobs",
        "hyperparameters.validationSplit",
        List.of(job("{\"validationSplit\":\"0.2\"}"), job("{\"validationSplit\":true}")));
    refused(
        "/api/v1/jobs",
        "hyperparameters.optimizer.type",
        List.of(job("{\"optimizer\":{\"type\":5}}"), job("{\"optimizer\":{\"type\":true}}")));
    refused("/api/v1/jobs", "hyperparameters.batchSize", List.of(job("{\"batchSize\":true}")));
  }

  @Test
  void experimentsCheckTheirHyperparametersTheSameWay() {
    String ids = "\"architectureIds\":[\"" + architecture + "\"],\"datasetId\":\"" + DATASET + "\"";
    refused(
        "/api/v1/experiments",
        "hyperparameters.batchSize",
        List.of("{" + ids + ",\"hyperparameters\":{\"batchSize\":32.5}}"));
    refused(
        "/api/v1/experiments",
        "hyperparameters.augmentation.flip",
        List.of("{" + ids + ",\"hyperparameters\":{\"augmentation\":{\"flip\":7}}}"));
    refused("/api/v1/experiments", "name", List.of("{" + ids + ",\"name\":5}"));
    refused(
        "/api/v1/experiments",
        "keepFirst",
        List.of(
            "{\"baseArchitectureId\":\""
                + architecture
                + "\",\"transforms\":[\"factorize\"],\"keepFirst\":1,\"datasetId\":\""
                + DATASET
                + "\"}"));
  }

  @Test
  void architecturesAndVariantsTakeIntegersAndBooleansOnly() {
    refused(
        "/api/v1/architectures",
        "classes",
        List.of(spec.replace("\"classes\":10", "\"classes\":10.5")));
    String conv =
        "{\"name\":\"t\",\"input\":{\"channels\":3,\"height\":8,\"width\":8},\"classes\":2,"
            + "\"layers\":[{\"type\":\"conv\",\"filters\":%s,\"kernel\":3,\"bias\":%s},"
            + "{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":2}]}";
    refused(
        "/api/v1/architectures", "layers[0].filters", List.of(String.format(conv, "8.5", "true")));
    refused("/api/v1/architectures", "layers[0].bias", List.of(String.format(conv, "8", "1")));
    String variants = "/api/v1/architectures/" + architecture + "/variants";
    refused(
        variants, "transforms[0].bottleneck", List.of("{\"transforms\":[{\"bottleneck\":4.5}]}"));
    refused(
        variants, "keepFirst", List.of("{\"transforms\":[\"factorize\"],\"keepFirst\":\"yes\"}"));
  }

  @Test
  void keysTakeStringsForTheirStringFields() {
    refused("/api/v1/keys", "name", List.of("{\"name\":5,\"role\":\"reader\"}"));
    refused("/api/v1/keys", "role", List.of("{\"name\":\"k\",\"role\":true}"));
    refused(
        "/api/v1/keys",
        "expiresAt",
        List.of("{\"name\":\"k\",\"role\":\"reader\",\"expiresAt\":\"soon\"}"));
  }

  /** Spring Boot's mapper ignores unknown fields; a misspelt expiresAt must not mean "never". */
  @Test
  void keysRefuseUnknownFields() {
    refused(
        "/api/v1/keys",
        "expires",
        List.of("{\"name\":\"k\",\"role\":\"reader\",\"expires\":\"2030-01-01T00:00:00Z\"}"));
    refused(
        "/api/v1/keys/me/event-tokens",
        "ttl",
        List.of("{\"path\":\"/api/v1/jobs/j-1/events\",\"ttl\":3600}"));
  }
}
