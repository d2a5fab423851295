package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import tools.jackson.databind.JsonNode;

/**
 * The steps the HTTP journeys share: upload the committed fixture, await a job, its test images.
 */
final class FixtureJourney {
  private FixtureJourney() {}

  /** Uploads the CIFAR-10 fixture (ingested within the request) and returns its dataset id. */
  static String upload(HttpJson api) {
    try {
      JsonNode ds =
          api.multipart(
                  "/api/v1/datasets",
                  Map.of("name", "cifar10-mini"),
                  "file",
                  Map.of("cifar10-mini.zip", Files.readAllBytes(TestImages.fixture())))
              .json(201);
      assertThat(ds.get("state").asString()).isEqualTo("READY");
      return ds.get("id").asString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean isFinal(JsonNode job) {
    String s = job.get("state").asString();
    return s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED");
  }

  /** Polls the job until it ends, failing once {@code timeout} has passed. */
  static JsonNode finished(HttpJson api, String jobId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode job = api.getJson("/api/v1/jobs/" + jobId);
    while (!isFinal(job)) {
      assertThat(System.nanoTime()).as("training finished in time").isLessThan(deadline);
      Thread.sleep(200);
      job = api.getJson("/api/v1/jobs/" + jobId);
    }
    return job;
  }

  /** The fixture's test images by entry name ({@code test/<class>/<file>}). */
  static Map<String, byte[]> testImages() throws IOException {
    Map<String, byte[]> images = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(TestImages.fixture().toFile())) {
      for (ZipEntry e :
          zip.stream().filter(e -> e.getName().startsWith("test/") && !e.isDirectory()).toList()) {
        try (InputStream in = zip.getInputStream(e)) {
          images.put(e.getName(), in.readAllBytes());
        }
      }
    }
    assertThat(images).hasSize(10 * TestImages.TEST_PER_CLASS);
    return images;
  }
}
