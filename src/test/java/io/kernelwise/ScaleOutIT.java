package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Several instances of the packaged jar on one real PostgreSQL and one shared directory, as a
 * deployment runs them: an API-only instance (never trains) and workers (serve only /actuator),
 * each with its own data dir. Upload and queue three jobs on the API; the worker trains them; the
 * worker is killed with SIGKILL mid-epoch and two new workers start: the job resumes from its
 * checkpoint in the shared store on one of them. Then that worker is drained (SIGTERM) mid-epoch:
 * its job goes back to the queue and the last worker resumes it. Every job ends SUCCEEDED with one
 * metrics row per epoch, no job ever had two attempts at once, and the API streams every job's
 * events and serves the trained model.
 */
class ScaleOutIT {
  // the key the one HTTP helper sends by default; the packaged jar gets it as its bootstrap key
  static final String KEY = io.kernelwise.security.TestKeys.ADMIN;
  static final int SIDE = 32;
  static final int EPOCHS = 3;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Process> processes = new ArrayList<>();
  private final Map<String, Integer> ports = new HashMap<>();

  @TempDir Path root;
  private Path shared;
  private String jdbcUrl;
  private String schema;
  private HttpJson api;

  @AfterEach
  void stop() throws Exception {
    processes.forEach(Process::destroyForcibly);
    for (Process p : processes) {
      p.waitFor(30, TimeUnit.SECONDS);
    }
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(postgresUrl())) {
        c.createStatement().execute("drop schema if exists " + schema + " cascade");
      }
    }
  }

  @Test
  void apiAndWorkersShareOneQueueAndOneStoreThroughCrashAndDrain() throws Exception {
    String url = postgresUrl();
    schema = "scaleout_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().execute("create schema " + schema);
    }
    jdbcUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    shared = root.resolve("shared");

    Process apiProcess = launch("api", "api");
    Process w1 = launch("w1", "worker");
    await(apiProcess, "api");
    await(w1, "w1");
    api = new HttpJson("http://127.0.0.1:" + ports.get("api"));

    // A worker answers its probes and metrics, not the API.
    HttpJson worker1 = new HttpJson("http://127.0.0.1:" + ports.get("w1"));
    assertThat(worker1.get("/api/v1/jobs").status()).isEqualTo(404);
    assertThat(worker1.get("/actuator/health/liveness").status()).isEqualTo(200);

    String dataset =
        api.multipart(
                "/api/v1/datasets",
                Map.of("name", "colours"),
                "file",
                Map.of("colours.zip", GeneratedImages.zip(SIDE, 160, 11)))
            .json(201)
            .get("id")
            .asString();
    assertThat(shared.resolve("datasets").resolve(dataset)).isDirectory();
    assertThat(root.resolve("api").resolve("datasets")).doesNotExist();
    String arch =
        api.postJson("/api/v1/architectures", GeneratedImages.spec(SIDE), 201).get("id").asString();
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(
          api.postJson(
                  "/api/v1/jobs",
                  """
                  {"architectureId":"%s","datasetId":"%s","device":"cpu",
                   "hyperparameters":{"epochs":%d,"batchSize":8,"seed":%d}}"""
                      .formatted(arch, dataset, EPOCHS, i + 1),
                  202)
              .get("id")
              .asString());
    }

    // SIGKILL the only worker in the middle of an epoch of the first job.
    String killed = jobs.get(0);
    int killedAfter = waitUntilMidEpoch(killed, Duration.ofMinutes(4));
    assertThat(JobFiles.checkpoint(shared, killed)).as("checkpoint in the shared store").exists();
    w1.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    Process w2 = launch("w2", "worker");
    Process w3 = launch("w3", "worker");
    await(w2, "w2");
    await(w3, "w3");
    Map<String, Process> workers = Map.of("w2", w2, "w3", w3);

    // Drain (SIGTERM) whichever worker has a job in the middle of an epoch.
    String drained = null;
    String drainedBy = null;
    int drainedAfter = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (drained == null) {
      assertThat(System.nanoTime()).as("a job mid-epoch to drain").isLessThan(deadline);
      for (String id : jobs) {
        JsonNode job = api.getJson("/api/v1/jobs/" + id);
        int done = api.getJson("/api/v1/jobs/" + id + "/metrics").get("epochs").size();
        if (job.get("state").asString().equals("RUNNING")
            && done >= 1
            && done < EPOCHS
            && job.get("progress").asDouble() > (done + 0.2) / EPOCHS) {
          drained = id;
          drainedAfter = done;
          drainedBy = job.get("worker").asString();
          break;
        }
      }
      Thread.sleep(20);
    }
    Process draining = workers.get(drainedBy);
    assertThat(draining).as("job %s runs on a new worker, not %s", drained, drainedBy).isNotNull();
    draining.destroy(); // SIGTERM
    assertThat(draining.waitFor(90, TimeUnit.SECONDS)).as("drained worker exits").isTrue();
    assertThat(api.getJson("/api/v1/jobs/" + drained).get("state").asString())
        .as("a drained job goes back to the queue, or was already taken by the other worker")
        .isIn("QUEUED", "RUNNING");

    deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
    while (!jobs.stream().allMatch(id -> isFinal(api.getJson("/api/v1/jobs/" + id)))) {
      assertThat(System.nanoTime()).as("every job finished in time").isLessThan(deadline);
      Thread.sleep(250);
    }

    for (String id : jobs) {
      JsonNode job = api.getJson("/api/v1/jobs/" + id);
      assertThat(job.get("state").asString())
          .as("state of " + id + ": " + job)
          .isEqualTo("SUCCEEDED");
      List<Integer> epochs = new ArrayList<>();
      api.getJson("/api/v1/jobs/" + id + "/metrics")
          .get("epochs")
          .forEach(e -> epochs.add(e.get("epoch").asInt()));
      assertThat(epochs).as("one metrics row per epoch of " + id).containsExactly(1, 2, 3);
      assertNoOverlappingAttempts(id, sse(id));
    }
    JsonNode resumed = api.getJson("/api/v1/jobs/" + killed);
    assertThat(resumed.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
    if (!killed.equals(drained)) {
      assertThat(resumed.get("resumedFromEpoch").asInt()).isEqualTo(killedAfter);
    }
    JsonNode drainedJob = api.getJson("/api/v1/jobs/" + drained);
    assertThat(drainedJob.get("resumedFromEpoch").asInt()).isGreaterThanOrEqualTo(drainedAfter);
    assertThat(sse(drained).toString()).contains("interrupted by shutdown of " + drainedBy);

    // The API instance serves a model trained by a worker, from the shared store.
    String modelId = api.getJson("/api/v1/jobs/" + jobs.get(2)).get("modelId").asString();
    assertThat(shared.resolve("models").resolve(modelId)).isDirectory();
    JsonNode prediction =
        api.post(
                "/api/v1/models/" + modelId + "/predict?topK=3",
                "image/png",
                GeneratedImages.png(SIDE, 2, new SplittableRandom(5)))
            .json(200);
    assertThat(prediction.get("predictions")).hasSize(3);
    assertThat(root.resolve("api").resolve("jobs")).as("nothing trained on the API").doesNotExist();
  }

  /** Between two RUNNING states of one job there is always a QUEUED one: never two attempts. */
  private static void assertNoOverlappingAttempts(String jobId, List<JsonNode> events) {
    List<String> states = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.has("state")) {
        states.add(e.get("state").asString());
        if (e.get("state").asString().equals("RUNNING")) {
          assertThat(e.get("worker").asString()).as("trained by a worker").startsWith("w");
        }
      }
    }
    String previous = "QUEUED";
    for (String s : states) {
      if (s.equals("RUNNING")) {
        assertThat(previous)
            .as("state before RUNNING of " + jobId + " in " + states)
            .isEqualTo("QUEUED");
      }
      previous = s;
    }
    assertThat(states).as(jobId).endsWith("SUCCEEDED");
  }

  private int waitUntilMidEpoch(String jobId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = api.getJson("/api/v1/jobs/" + jobId);
      int done = api.getJson("/api/v1/jobs/" + jobId + "/metrics").get("epochs").size();
      if (done >= 1 && done < EPOCHS && job.get("progress").asDouble() > (done + 0.25) / EPOCHS) {
        return done;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("job " + jobId + " never reached the middle of an epoch");
  }

  private static boolean isFinal(JsonNode job) {
    String state = job.get("state").asString();
    return state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED");
  }

  /** The job's whole event stream as the API instance serves it (it ends after the last state). */
  private List<JsonNode> sse(String jobId) {
    List<JsonNode> events = new ArrayList<>();
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/jobs/" + jobId + "/events"))
                  .header("Accept", "text/event-stream")
                  .header("Authorization", "Bearer " + KEY)
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("data:")) {
            events.add(HttpJson.JSON.readTree(line.substring(5).trim()));
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return events;
  }

  private Process launch(String name, String roles) throws IOException {
    int port = PackagedService.freePort();
    ports.put(name, port);
    Path dataDir = root.resolve(name);
    Files.createDirectories(dataDir);
    Process p =
        PackagedService.start(
            "1g",
            root.resolve(name + ".log"),
            Map.of("KERNELWISE_SECURITY_ADMIN_KEY", KEY),
            List.of(
                "--server.port=" + port,
                "--kernelwise.data-dir=" + dataDir,
                "--kernelwise.shared-dir=" + shared,
                "--kernelwise.roles=" + roles,
                "--kernelwise.replicas=3",
                "--kernelwise.training.instance-name=" + name,
                "--kernelwise.training.threads=1",
                "--kernelwise.training.step-metrics-every=4",
                "--kernelwise.training.heartbeat-interval=1s",
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.flyway.schemas=" + schema));
    processes.add(p);
    return p;
  }

  private void await(Process p, String name) throws InterruptedException {
    PackagedService.awaitReady(p, ports.get(name), name, root.resolve(name + ".log"));
  }

  /** The suite's real PostgreSQL (embedded, or KERNELWISE_TEST_POSTGRES_URL). */
  private static String postgresUrl() {
    return TestPostgres.url();
  }

  /** Where the shared store keeps a job's checkpoint (see training.JobRunner#checkpointDir). */
  static final class JobFiles {
    static Path checkpoint(Path shared, String jobId) {
      return shared.resolve("jobs").resolve(jobId).resolve("checkpoints").resolve("checkpoint.bin");
    }
  }
}
