package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.security.TestKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The crash test as a process: the packaged service is killed with SIGKILL in the middle of an
 * epoch, restarted on the same data directory, and every job must end SUCCEEDED, the interrupted
 * one resumed from its last checkpoint with exactly one metrics row per epoch.
 */
class CrashResumeIT {
  private static final int EPOCHS = 4;

  private final List<Process> processes = new ArrayList<>();
  private HttpJson api;

  @TempDir Path dataDir;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void killedMidEpochResumesFromCheckpointAndEveryJobSucceeds() throws Exception {
    int port = PackagedService.freePort();
    api = HttpJson.local(port);
    Process first = start(port, "first");

    String datasetId = uploadMiniCifar();
    String spec = TestImages.preset("seed-3x3");
    String architectureId = api.postJson("/api/v1/architectures", spec, 201).get("id").asString();
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String body =
          """
          {"architectureId":"%s","datasetId":"%s","device":"cpu",
           "hyperparameters":{"epochs":%d,"batchSize":8,"seed":%d}}"""
              .formatted(architectureId, datasetId, EPOCHS, i + 1);
      jobs.add(api.postJson("/api/v1/jobs", body, 202).get("id").asString());
    }
    String victim = jobs.get(0);

    int killedAfterEpochs = waitUntilMidEpoch(victim, Duration.ofMinutes(15));
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(first.isAlive()).isFalse();

    start(port, "second");
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (true) {
      JsonNode running = get("/api/v1/jobs?state=RUNNING&size=50");
      assertThat(running.get("total").asLong()).as("jobs RUNNING at once").isLessThanOrEqualTo(1);
      if (jobs.stream().allMatch(id -> isFinal(get("/api/v1/jobs/" + id)))) {
        break;
      }
      assertThat(System.nanoTime()).as("all jobs finished in time").isLessThan(deadline);
      Thread.sleep(250);
    }

    for (String id : jobs) {
      JsonNode job = get("/api/v1/jobs/" + id);
      assertThat(job.get("state").asString()).as("state of " + id).isEqualTo("SUCCEEDED");
      assertThat(job.get("modelId").isNull()).isFalse();
      List<Integer> epochs = new ArrayList<>();
      get("/api/v1/jobs/" + id + "/metrics")
          .get("epochs")
          .forEach(e -> epochs.add(e.get("epoch").asInt()));
      assertThat(epochs).as("one metrics row per epoch of " + id).containsExactly(1, 2, 3, 4);
    }
    JsonNode resumed = get("/api/v1/jobs/" + victim);
    assertThat(resumed.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(resumed.get("resumedFromEpoch").asInt()).isEqualTo(killedAfterEpochs);
    for (String other : jobs.subList(1, 3)) {
      assertThat(get("/api/v1/jobs/" + other).get("attempts").asInt()).isEqualTo(1);
    }
  }

  /** Waits until the job has finished at least one epoch and is well into the next one. */
  private int waitUntilMidEpoch(String jobId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = get("/api/v1/jobs/" + jobId);
      int done = get("/api/v1/jobs/" + jobId + "/metrics").get("epochs").size();
      double progress = job.get("progress").asDouble();
      if (done >= 1 && done < EPOCHS - 1 && progress > (double) done / EPOCHS + 0.25 / EPOCHS) {
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

  private Process start(int port, String name) throws IOException, InterruptedException {
    Path log = dataDir.resolve(name + ".log");
    Process p =
        PackagedService.start(
            "3g",
            log,
            Map.of(),
            List.of(
                "--server.port=" + port,
                "--kernelwise.data-dir=" + dataDir,
                // the packaged jar has no test configuration: the test admin key is passed here
                "--kernelwise.security.admin-key=" + TestKeys.ADMIN,
                "--kernelwise.training.step-metrics-every=5",
                "--kernelwise.training.heartbeat-interval=2s"));
    processes.add(p);
    PackagedService.awaitReady(p, port, "service " + name, log);
    return p;
  }

  private String uploadMiniCifar() throws Exception {
    HttpJson.Response r =
        api.multipart(
            "/api/v1/datasets",
            new HttpJson.Multipart()
                .field("name", "cifar10-mini")
                .file("file", "mini.zip", "application/zip", TestImages.fixtureBytes()));
    assertThat(r.status()).as("%s", r).isIn(201, 202);
    String id = r.json().get("id").asString();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!get("/api/v1/datasets/" + id).get("state").asString().equals("READY")) {
      assertThat(System.nanoTime()).as("dataset ingested in time").isLessThan(deadline);
      Thread.sleep(200);
    }
    return id;
  }

  private JsonNode get(String path) {
    return api.getJson(path);
  }
}
