package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kernelwise.network.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code precision: bf16} over HTTP with the real engine: a small batch-norm net trains on the
 * CIFAR-10 fixture through the scripted bf16 route to well above chance, the job and the model
 * artifact say bf16, and the model (served in fp32 through the DJL blocks) classifies the test
 * split like the bf16 evaluation did, before and after an export and import. On a CPU without
 * native bf16, an explicit bf16 is a 400 naming the field and auto trains in fp32.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Bf16TrainingJourneyTest {
  static final int EPOCHS = 8;
  // 100 test images, chance 0.1: 0.2 is more than 3 standard deviations above guessing
  static final double MIN_ACCURACY = 0.2;
  static final String NET =
      """
      {"name":"small-bn","input":{"channels":3,"height":32,"width":32},"classes":10,"layers":[
        {"type":"conv","filters":16,"kernel":3,"batchNorm":true,"activation":"relu"},
        {"type":"maxPool","size":2},
        {"type":"conv","filters":32,"kernel":3,"batchNorm":true,"activation":"relu"},
        {"type":"maxPool","size":2},
        {"type":"flatten"},
        {"type":"dense","units":64,"activation":"relu"},
        {"type":"dense","units":10}]}""";

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.poll-interval", () -> "200ms");
  }

  @LocalServerPort int port;
  HttpJson api;

  @BeforeEach
  void client() {
    api = HttpJson.local(port);
  }

  @Test
  void bf16TrainsLearnsExportsImportsAndPredictsLikeItsEvaluation() throws Exception {
    String datasetId = FixtureJourney.upload(api);
    String body =
        """
        {"architecture":%s,"datasetId":"%s","device":"cpu",
         "hyperparameters":{"epochs":%d,"batchSize":32,"seed":7,"precision":"%s",
           "optimizer":{"type":"adam","learningRate":0.002},"augmentation":{"flip":true}}}""";
    if (!Precision.cpuHasBf16()) {
      JsonNode problem =
          api.postJson("/api/v1/jobs", body.formatted(NET, datasetId, 1, "bf16")).json(400);
      assertThat(problem.at("/errors/0/field").asString()).isEqualTo("hyperparameters.precision");
      JsonNode auto = api.postJson("/api/v1/jobs", body.formatted(NET, datasetId, 1, "auto"), 202);
      assertThat(finished(auto).get("precision").asString()).isEqualTo("fp32");
      return;
    }
    JsonNode submitted =
        api.postJson("/api/v1/jobs", body.formatted(NET, datasetId, EPOCHS, "bf16"), 202);
    JsonNode job = finished(submitted);
    assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
    assertThat(job.get("precision").asString()).isEqualTo("bf16");
    assertThat(job.at("/hyperparameters/precision").asString()).isEqualTo("bf16");
    double testAccuracy = job.get("testAccuracy").asDouble();
    assertThat(testAccuracy).as("bf16 test accuracy").isGreaterThanOrEqualTo(MIN_ACCURACY);

    String modelId = job.get("modelId").asString();
    Map<String, byte[]> images = FixtureJourney.testImages();
    double served = accuracy(modelId, images);
    // served in fp32 through the DJL blocks with the trained fp32 master weights: the same
    // answers as the bf16 evaluation but for images bf16's rounding tips over
    assertThat(served).isCloseTo(testAccuracy, within(0.05));

    byte[] first = images.values().iterator().next();
    JsonNode before =
        api.post("/api/v1/models/" + modelId + "/predict?topK=10", "image/jpeg", first).json(200);
    HttpJson.Response artifact = api.get("/api/v1/models/" + modelId + "/artifact").expect(200);
    assertThat(manifest(artifact.body()).get("precision").asString()).isEqualTo("bf16");
    api.delete("/api/v1/models/" + modelId).expect(204);
    String imported =
        api.multipart(
                "/api/v1/models/import", Map.of(), "file", Map.of("model.zip", artifact.body()))
            .json(201)
            .get("id")
            .asString();
    JsonNode after =
        api.post("/api/v1/models/" + imported + "/predict?topK=10", "image/jpeg", first).json(200);
    assertThat(after.get("predictions").size()).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      JsonNode b = before.get("predictions").get(i);
      JsonNode a = after.get("predictions").get(i);
      assertThat(a.get("label").asString()).isEqualTo(b.get("label").asString());
      assertThat(a.get("probability").asDouble())
          .isCloseTo(b.get("probability").asDouble(), within(1e-6));
    }
    assertThat(accuracy(imported, images)).isEqualTo(served);
  }

  private JsonNode finished(JsonNode submitted) throws InterruptedException {
    return FixtureJourney.finished(api, submitted.get("id").asString(), Duration.ofMinutes(15));
  }

  /** Top-1 accuracy of the model on the fixture's test split, through HTTP batches. */
  private double accuracy(String modelId, Map<String, byte[]> images) {
    int correct = 0;
    List<Map.Entry<String, byte[]>> all = new ArrayList<>(images.entrySet());
    for (int i = 0; i < all.size(); i += 50) {
      List<Map.Entry<String, byte[]>> slice = all.subList(i, Math.min(i + 50, all.size()));
      Map<String, byte[]> batch = new LinkedHashMap<>();
      slice.forEach(e -> batch.put(e.getKey().replace('/', '_'), e.getValue()));
      JsonNode results =
          api.multipart("/api/v1/models/" + modelId + "/predict?topK=1", Map.of(), "file", batch)
              .json(200)
              .get("results");
      for (int j = 0; j < slice.size(); j++) {
        String truth = slice.get(j).getKey().split("/")[1];
        if (results.get(j).get("predictions").get(0).get("label").asString().equals(truth)) {
          correct++;
        }
      }
    }
    return (double) correct / all.size();
  }

  private static JsonNode manifest(byte[] artifact) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(artifact))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (e.getName().equals("manifest.json")) {
          return HttpJson.JSON.readTree(zip.readAllBytes());
        }
      }
    }
    throw new AssertionError("no manifest.json in the artifact");
  }
}
