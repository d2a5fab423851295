package io.kernelwise.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.TestImages;
import io.kernelwise.client.api.ArchitecturesApi;
import io.kernelwise.client.api.DatasetsApi;
import io.kernelwise.client.api.InferenceApi;
import io.kernelwise.client.api.JobsApi;
import io.kernelwise.client.api.ModelsApi;
import io.kernelwise.client.model.Analyzed;
import io.kernelwise.client.model.ArchitectureResource;
import io.kernelwise.client.model.DatasetView;
import io.kernelwise.client.model.Hyperparameters;
import io.kernelwise.client.model.Job;
import io.kernelwise.client.model.JobRequest;
import io.kernelwise.client.model.PredictionResponse;
import io.kernelwise.client.model.Preset;
import io.kernelwise.client.model.Problem;
import io.kernelwise.client.model.VariantTransform;
import io.kernelwise.client.model.Variants;
import io.kernelwise.client.model.VariantsRequest;
import io.kernelwise.security.TestKeys;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A user's journey through the Java client generated from docs/openapi.json (openapi-generator,
 * library native: java.net.http and Jackson 2), against the real service and engine: what a
 * generated client makes of the document is what users get. Analyze a preset, create an
 * architecture and a variant, upload the CIFAR-10 fixture, train one epoch, poll the job until it
 * succeeds, classify an image, and read a problem+json error through the client's exception.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GeneratedClientJourneyTest {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.poll-interval", () -> "200ms");
  }

  @LocalServerPort int port;

  @Test
  void analyzeCreateUploadTrainPollPredict() throws Exception {
    ApiClient client = client(port);
    client.setRequestInterceptor(b -> b.header("Authorization", TestKeys.BEARER));
    ArchitecturesApi architectures = new ArchitecturesApi(client);

    Preset seed =
        architectures.listPresets().stream()
            .filter(p -> p.getName().equals("seed-3x3"))
            .findFirst()
            .orElseThrow();
    Analyzed analyzed = architectures.analyzeArchitecture(seed.getSpec());
    assertThat(analyzed.getAnalysis().getParameters().getTrainable())
        .isEqualTo(seed.getAnalysis().getParameters().getTrainable());
    assertThat(analyzed.getAnalysis().getLayers()).isNotEmpty();

    ArchitectureResource created = architectures.createArchitecture(seed.getSpec());
    assertThat(created.getId()).isNotBlank();
    Variants variants =
        architectures.createVariants(
            created.getId(),
            new VariantsRequest()
                .transforms(List.of(new VariantTransform("depthwiseSeparable")))
                .keepFirst(true));
    assertThat(variants.getVariants()).hasSize(1);
    assertThat(variants.getVariants().get(0).getComparison().getParameterRatio()).isLessThan(1.0);

    File zip = TestImages.fixture().toFile();
    DatasetView dataset = new DatasetsApi(client).uploadDataset(zip, "fixture", null);
    assertThat(dataset.getState()).isEqualTo(DatasetView.StateEnum.READY);
    assertThat(dataset.getClasses()).hasSize(10);

    JobsApi jobs = new JobsApi(client);
    Job job =
        jobs.createJob(
            new JobRequest()
                .architectureId(variants.getVariants().get(0).getArchitecture().getId())
                .datasetId(dataset.getId())
                .device("cpu")
                .hyperparameters(new Hyperparameters().epochs(1).batchSize(32).seed(7L)));
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (job.getState() == Job.StateEnum.QUEUED || job.getState() == Job.StateEnum.RUNNING) {
      assertThat(System.nanoTime()).as("the job ends in time").isLessThan(deadline);
      Thread.sleep(200);
      job = jobs.getJob(job.getId());
    }
    assertThat(job.getState()).as("%s", job).isEqualTo(Job.StateEnum.SUCCEEDED);
    assertThat(job.getModelId()).isNotBlank();

    // openapi-generator's native library writes a binary body with Jackson (a File becomes its
    // path as JSON): a client for this call puts the image's bytes in, the rest is generated
    Path image = firstImage(zip).toPath();
    byte[] jpeg = Files.readAllBytes(image);
    ApiClient binary = client(port);
    binary.setRequestInterceptor(
        b ->
            b.header("Authorization", TestKeys.BEARER)
                .header("Content-Type", "image/jpeg")
                .method("POST", HttpRequest.BodyPublishers.ofByteArray(jpeg)));
    PredictionResponse prediction =
        new InferenceApi(binary).predict(job.getModelId(), image.toFile(), 3);
    assertThat(prediction.getModelId()).isEqualTo(job.getModelId());
    assertThat(prediction.getPredictions()).hasSize(3);
    assertThat(dataset.getClasses()).contains(prediction.getPredictions().get(0).getLabel());

    assertThatThrownBy(() -> new ModelsApi(client).getModel("no-such-model"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(404);
              assertThat(e.getResponseHeaders().firstValue("Content-Type").orElse(""))
                  .startsWith("application/problem+json");
              Problem problem = read(client, e.getResponseBody());
              assertThat(problem.getStatus()).isEqualTo(404);
              assertThat(problem.getTitle()).isEqualTo("Not found");
              assertThat(problem.getDetail()).contains("no-such-model");
            });
  }

  private static ApiClient client(int port) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + port);
    return client;
  }

  private static Problem read(ApiClient client, String body) {
    try {
      return client.getObjectMapper().readValue(body, Problem.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture's first JPEG, as a file (the client uploads files). */
  private static File firstImage(File zip) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip.toPath()))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (!e.isDirectory() && e.getName().endsWith(".jpg")) {
          Path image = Files.createTempFile(dataDir, "image", ".jpg");
          Files.write(image, in.readAllBytes());
          return image.toFile();
        }
      }
    }
    throw new IllegalStateException("no JPEG in " + zip);
  }
}
