package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every panel of the provisioned Grafana dashboard ({@code deploy/grafana/dashboards}) asks a real
 * Prometheus (Debian's {@code /usr/bin/prometheus}) scraping this running service, and every query
 * must return data: the PromQL is right about metric names, labels and the histogram.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// the service writes into dataDir while it runs (its job, database, Prometheus' data beside it):
// closing it with the class, before JUnit deletes the directory, keeps the deletion from racing it
@DirtiesContext
class DashboardQueriesTest {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path DASHBOARD = Path.of("deploy/grafana/dashboards/kernelwise.json");
  static final int SIDE = 16;

  @TempDir static Path dataDir;
  static Process prometheus;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.step-metrics-every", () -> "2");
    registry.add("kernelwise.training.poll-interval", () -> "200ms");
  }

  @BeforeAll
  static void prometheusInstalled() {
    assumeTrue(
        Files.isExecutable(PROMETHEUS),
        "needs Prometheus at " + PROMETHEUS + " (apt-get install prometheus); .ci/run installs it");
  }

  @AfterAll
  static void stopPrometheus() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  @LocalServerPort int port;

  @Value("${kernelwise.security.admin-key:}")
  String adminKey;

  private final HttpClient http = HttpClient.newHttpClient();
  private String prometheusUrl;

  @Test
  void everyPanelQueryReturnsDataFromARealPrometheus() throws Exception {
    Map<String, String> panels = panelQueries();
    assertThat(panels).hasSizeGreaterThanOrEqualTo(7);
    startPrometheus();
    HttpJson api = new HttpJson("http://127.0.0.1:" + port);

    String dataset =
        api.multipart(
                "/api/v1/datasets",
                Map.of("name", "colours"),
                "file",
                Map.of("colours.zip", GeneratedImages.zip(SIDE, 100, 1)))
            .json(201)
            .get("id")
            .asString();
    String arch =
        api.postJson("/api/v1/architectures", GeneratedImages.spec(SIDE), 201).get("id").asString();
    String served = submit(api, arch, dataset, 1);
    String running = submit(api, arch, dataset, 200); // trains while the training panels are asked

    awaitState(api, served, "SUCCEEDED", Duration.ofMinutes(3));
    String modelId = api.getJson("/api/v1/jobs/" + served).get("modelId").asString();
    awaitState(api, running, "RUNNING", Duration.ofMinutes(1));

    // Inference traffic from a few clients, so latency and batch histograms move.
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int c = 0; c < 4; c++) {
      int seed = c;
      clients.submit(
          () -> {
            SplittableRandom rng = new SplittableRandom(seed);
            while (!stop.get()) {
              api.post(
                      "/api/v1/models/" + modelId + "/predict",
                      "image/png",
                      GeneratedImages.png(SIDE, rng.nextInt(3), rng))
                  .expect(200);
            }
            return null;
          });
    }
    Map<String, String> missing = new LinkedHashMap<>(panels);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!missing.isEmpty() && System.nanoTime() < deadline) {
        missing.entrySet().removeIf(p -> hasData(p.getValue()));
        Thread.sleep(1000);
      }
    } finally {
      stop.set(true);
      clients.shutdown();
      clients.awaitTermination(30, TimeUnit.SECONDS);
      api.postJson("/api/v1/jobs/" + running + "/cancel", null, 202);
    }
    assertThat(missing).as("panels whose query returned no data").isEmpty();
  }

  /** panel title + target refId → PromQL, with Grafana's $__rate_interval made concrete. */
  static Map<String, String> panelQueries() throws IOException {
    JsonNode dashboard = HttpJson.JSON.readTree(Files.readString(DASHBOARD));
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asString();
        queries.put(
            panel.get("title").asString() + " / " + target.get("refId").asString(),
            expr.replace("$__rate_interval", "30s"));
      }
    }
    return queries;
  }

  private boolean hasData(String query) {
    JsonNode r =
        prometheus("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    assertThat(r.get("status").asString()).as(query + ": " + r).isEqualTo("success");
    for (JsonNode series : r.get("data").get("result")) {
      String v = series.get("value").get(1).asString();
      if (!v.equals("NaN")) {
        return true;
      }
    }
    return false;
  }

  private String submit(HttpJson api, String arch, String dataset, int epochs) {
    return api.postJson(
            "/api/v1/jobs",
            """
            {"architectureId":"%s","datasetId":"%s","device":"cpu",
             "hyperparameters":{"epochs":%d,"batchSize":16,"seed":3}}"""
                .formatted(arch, dataset, epochs),
            202)
        .get("id")
        .asString();
  }

  private static void awaitState(HttpJson api, String job, String state, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode j = api.getJson("/api/v1/jobs/" + job);
      if (j.get("state").asString().equals(state)) {
        return;
      }
      assertThat(System.nanoTime()).as("job %s reaches %s: %s", job, state, j).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private void startPrometheus() throws Exception {
    int promPort;
    try (ServerSocket s = new ServerSocket(0)) {
      promPort = s.getLocalPort();
    }
    Path dir = dataDir.resolve("prometheus");
    Files.createDirectories(dir);
    List<String> auth = new ArrayList<>();
    if (adminKey != null && !adminKey.isBlank()) {
      Files.writeString(dir.resolve("key"), adminKey);
      auth.add("    authorization: {type: Bearer, credentials_file: " + dir.resolve("key") + "}");
    }
    List<String> config = new ArrayList<>();
    config.add("global: {scrape_interval: 1s, evaluation_interval: 1s}");
    config.add("scrape_configs:");
    config.add("  - job_name: kernelwise");
    config.add("    metrics_path: /actuator/prometheus");
    config.addAll(auth);
    config.add("    static_configs: [{targets: ['127.0.0.1:" + port + "']}]");
    Files.write(dir.resolve("prometheus.yml"), config);
    prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + promPort)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    prometheusUrl = "http://127.0.0.1:" + promPort;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      assertThat(prometheus.isAlive()).as("prometheus runs, see " + dir).isTrue();
      try {
        JsonNode targets = prometheus("/api/v1/targets");
        if (targets.toString().contains("\"health\":\"up\"")) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      assertThat(System.nanoTime()).as("prometheus scrapes the service").isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  private JsonNode prometheus(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(prometheusUrl + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      return HttpJson.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
