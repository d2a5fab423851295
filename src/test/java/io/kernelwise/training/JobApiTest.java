package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.HttpJson.SseEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The jobs API over HTTP with test doubles for the engine, catalog, datasets and registry: queue
 * and state semantics, validation, metrics polling, SSE and cancel. The real training journey is
 * tested after the engine lands.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobApiTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.heartbeat-interval", () -> "1s");
    registry.add("kernelwise.training.poll-interval", () -> "200ms");
    registry.add("kernelwise.training.cancel-poll-interval", () -> "100ms");
    registry.add("kernelwise.training.instance-name", () -> "api-test");
  }

  @TestConfiguration
  static class Doubles {
    @Bean
    @Primary
    FakeTrainingEngine fakeTrainingEngine() {
      return new FakeTrainingEngine(5, 30);
    }

    @Bean
    @Primary
    FakeCatalog fakeCatalog() {
      return new FakeCatalog();
    }

    @Bean
    @Primary
    FakeDatasets fakeDatasets() {
      return new FakeDatasets();
    }

    @Bean
    @Primary
    FakeRegistry fakeRegistry() {
      return new FakeRegistry();
    }
  }

  @LocalServerPort int port;
  @Autowired FakeTrainingEngine engine;
  @Autowired MeterRegistry meters;
  HttpJson api;

  @BeforeEach
  void client() {
    api = HttpJson.local(port);
  }

  // ---- helpers --------------------------------------------------------------------------------

  Response call(String method, String path, String body) {
    return api.request(method, path).json(body).send();
  }

  JsonNode submit(int epochs) throws Exception {
    Response r =
        call(
            "POST",
            "/api/v1/jobs",
            "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"device\":\"cpu\","
                + "\"hyperparameters\":{\"epochs\":"
                + epochs
                + ",\"batchSize\":8}}");
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.location()).isEqualTo("/api/v1/jobs/" + r.json().get("id").asString());
    return r.json();
  }

  JsonNode job(String id) throws Exception {
    return call("GET", "/api/v1/jobs/" + id, null).json();
  }

  JsonNode awaitJob(String id, Predicate<JsonNode> condition) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      JsonNode j = job(id);
      if (condition.test(j)) {
        return j;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out; job is " + j);
      }
      Thread.sleep(50);
    }
  }

  static Predicate<JsonNode> state(String s) {
    return j -> j.get("state").asString().equals(s);
  }

  long totalJobs() throws Exception {
    return call("GET", "/api/v1/jobs?size=1", null).json().get("total").asLong();
  }

  // ---- tests ----------------------------------------------------------------------------------

  @Test
  void queuesAJobAndRunsItToAModel() throws Exception {
    JsonNode created = submit(2);
    assertThat(created.get("state").asString()).isIn("QUEUED", "RUNNING");
    assertThat(created.get("epochs").asInt()).isEqualTo(2);
    assertThat(created.get("device").asString()).isEqualTo("cpu");
    assertThat(created.at("/hyperparameters/optimizer/type").asString()).isEqualTo("adam");
    assertThat(created.at("/hyperparameters/batchSize").asInt()).isEqualTo(8);
    JsonNode done = awaitJob(created.get("id").asString(), state("SUCCEEDED"));
    assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(done.get("epoch").asInt()).isEqualTo(2);
    assertThat(done.get("modelId").asString()).startsWith("m-");
    assertThat(done.get("queuePosition").isNull()).isTrue();
    assertThat(done.get("startedAt").isNull()).isFalse();
    assertThat(done.get("finishedAt").isNull()).isFalse();
    String id = done.get("id").asString();
    // the job's series were reported while it ran and are removed now that it ended
    assertThat(engine.stepsRun.get(id)).isPositive();
    assertThat(meters.find("kernelwise.training.loss").tag("job", id).meters()).isEmpty();
    assertThat(meters.find("kernelwise.training.epoch").tag("job", id).meters()).isEmpty();
    assertThat(meters.get("kernelwise.jobs").tag("state", "SUCCEEDED").gauge().value())
        .isGreaterThanOrEqualTo(1);
    JsonNode list = call("GET", "/api/v1/jobs?state=succeeded&page=0&size=50", null).json();
    assertThat(list.get("items").valueStream().map(j -> j.get("id").asString())).contains(id);
  }

  @Test
  void queuePositionAndCancelOfQueuedAndRunningJobs() throws Exception {
    String running = submit(1000).get("id").asString();
    awaitJob(running, state("RUNNING"));
    String second = submit(2).get("id").asString();
    String third = submit(2).get("id").asString();
    assertThat(job(second).get("queuePosition").asLong()).isEqualTo(1);
    assertThat(job(third).get("queuePosition").asLong()).isEqualTo(2);
    assertThat(job(running).get("queuePosition").isNull()).isTrue();

    Response cancelQueued = call("POST", "/api/v1/jobs/" + second + "/cancel", null);
    assertThat(cancelQueued.status()).isEqualTo(202);
    assertThat(cancelQueued.json().get("state").asString()).isEqualTo("CANCELLED");
    assertThat(job(third).get("queuePosition").asLong()).isEqualTo(1);

    Response cancelRunning = call("POST", "/api/v1/jobs/" + running + "/cancel", null);
    assertThat(cancelRunning.status()).isEqualTo(202);
    assertThat(cancelRunning.json().get("cancelRequested").asBoolean()).isTrue();
    JsonNode cancelled = awaitJob(running, state("CANCELLED"));
    assertThat(cancelled.get("progress").asDouble()).isLessThan(0.01);
    assertThat(cancelled.get("modelId").isNull()).isTrue();

    Response again = call("POST", "/api/v1/jobs/" + running + "/cancel", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).startsWith("application/problem+json");
    awaitJob(third, state("SUCCEEDED"));
    assertThat(engine.runs).doesNotContainKey(second);
  }

  @Test
  void metricsArePolledWithSinceEpoch() throws Exception {
    String id = submit(3).get("id").asString();
    awaitJob(id, state("SUCCEEDED"));
    JsonNode all = call("GET", "/api/v1/jobs/" + id + "/metrics", null).json();
    assertThat(all.get("epochs").valueStream().map(e -> e.get("epoch").asInt()))
        .containsExactly(1, 2, 3);
    JsonNode first = all.get("epochs").get(0);
    for (String field :
        List.of(
            "trainLoss",
            "trainAccuracy",
            "valLoss",
            "valAccuracy",
            "learningRate",
            "imagesPerSecond",
            "seconds")) {
      assertThat(first.has(field)).as(field).isTrue();
    }
    assertThat(first.get("trainLoss").asDouble()).isEqualTo(2.0);
    assertThat(all.get("steps")).hasSize(3 * 5);
    JsonNode since = call("GET", "/api/v1/jobs/" + id + "/metrics?sinceEpoch=2", null).json();
    assertThat(since.get("epochs").valueStream().map(e -> e.get("epoch").asInt()))
        .containsExactly(3);
    assertThat(since.get("steps").valueStream().map(s -> s.get("epoch").asInt()))
        .containsOnly(3)
        .hasSize(5);
    Response bad = call("GET", "/api/v1/jobs/" + id + "/metrics?sinceEpoch=-1", null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().at("/errors/0/field").asString()).isEqualTo("sinceEpoch");
  }

  @Test
  void eventStreamReplaysThenStreamsLiveAndCompletesWhenTheJobEnds() throws Exception {
    String id = submit(2).get("id").asString();
    List<String[]> events = readStream(id, null);
    List<String> names = events.stream().map(e -> e[0]).toList();
    assertThat(names.get(0)).isEqualTo("state");
    assertThat(names).contains("step", "epoch");
    assertThat(names.stream().filter("epoch"::equals)).hasSize(2);
    assertThat(names.stream().filter("step"::equals)).hasSize(10);
    List<String> states =
        events.stream()
            .filter(e -> e[0].equals("state"))
            .map(e -> JSON.readTree(e[2]).get("state").asString())
            .toList();
    assertThat(states).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
    JsonNode lastStep =
        JSON.readTree(events.stream().filter(e -> e[0].equals("step")).toList().get(9)[2]);
    assertThat(lastStep.get("progress").asDouble()).isEqualTo(1.0);
    // ids increase; a reconnect with Last-Event-ID gets only what came after
    long[] ids = events.stream().mapToLong(e -> Long.parseLong(e[1])).toArray();
    for (int i = 1; i < ids.length; i++) {
      assertThat(ids[i]).isGreaterThan(ids[i - 1]);
    }
    List<String[]> tail = readStream(id, Long.toString(ids[ids.length - 3]));
    assertThat(tail).hasSize(2);
    assertThat(tail.get(1)[0]).isEqualTo("state");
  }

  /** Reads a whole SSE response (it must end by itself) as {event, id, data} triples. */
  List<String[]> readStream(String id, String lastEventId) {
    String path = "/api/v1/jobs/" + id + "/events";
    List<SseEvent> events =
        lastEventId == null ? api.events(path) : api.events(path, "Last-Event-ID", lastEventId);
    return events.stream().map(e -> new String[] {e.event(), e.id(), e.data()}).toList();
  }

  @Test
  void badRequestsAreProblemsNamingFieldsAndStoreNothing() throws Exception {
    long before = totalJobs();
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"hyperparameters\":{"
            + "\"epochs\":0,\"batchSize\":5000,\"optimizer\":{\"type\":\"rmsprop\","
            + "\"learningRate\":0},\"schedule\":{\"type\":\"exponential\"},\"validationSplit\":0.95,"
            + "\"earlyStopping\":{\"metric\":\"acc\"}}}",
        400,
        "hyperparameters.epochs",
        "hyperparameters.batchSize",
        "hyperparameters.optimizer.type",
        "hyperparameters.optimizer.learningRate",
        "hyperparameters.schedule.type",
        "hyperparameters.validationSplit",
        "hyperparameters.earlyStopping.metric");
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\","
            + "\"hyperparameters\":{\"optimizer\":{\"learningRate\":\"fast\"}}}",
        400,
        "hyperparameters.optimizer.learningRate");
    // the message used to be Jackson's, naming java.lang.Integer
    for (String value : new String[] {"\"x\"", "1e12", "[1]"}) {
      Response wrongType =
          call(
              "POST",
              "/api/v1/jobs",
              "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\","
                  + "\"hyperparameters\":{\"epochs\":"
                  + value
                  + "}}");
      assertThat(wrongType.status()).isEqualTo(400);
      assertThat(wrongType.json().at("/errors/0/field").asString())
          .isEqualTo("hyperparameters.epochs");
      assertThat(wrongType.json().at("/errors/0/message").asString())
          .as(value)
          .isEqualTo("must be an integer that fits 32 bits");
    }
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"hyperparameters\":{\"epoch\":3}}",
        400,
        "hyperparameters.epoch");
    assertProblem("{\"hyperparameters\":{}}", 400, "architectureId", "datasetId");
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"colour\":\"red\"}", 400, "colour");
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"device\":\"gpu:99\"}",
        400,
        "device");
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"device\":\"tpu\"}", 400, "device");
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"device\":\"gpu:99999999999\"}",
        400,
        "device");
    assertProblem("{\"architectureId\":\"a-nope\",\"datasetId\":\"mini\"}", 404, "architectureId");
    assertProblem("{\"architectureId\":\"a-tiny\",\"datasetId\":\"nope\"}", 404, "datasetId");
    assertProblem("{\"architectureId\":\"a-tiny\",\"datasetId\":\"busy\"}", 409, "datasetId");
    assertProblem(
        "{\"architecture\":{\"classes\":10},\"datasetId\":\"mini\"}", 400, "architecture.name");
    assertProblem(
        "{\"architecture\":{\"name\":\"five\",\"classes\":5},\"datasetId\":\"mini\"}",
        409,
        "architecture");
    assertProblem(
        "{\"architectureId\":\"a-tiny\",\"architecture\":{\"name\":\"x\"},\"datasetId\":\"mini\"}",
        400,
        "architecture");
    Response notJson = call("POST", "/api/v1/jobs", "{not json");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.contentType()).startsWith("application/problem+json");
    assertThat(notJson.json().at("/errors/0/field").asString()).isEqualTo("body");
    Response noBody = call("POST", "/api/v1/jobs", null);
    assertThat(noBody.status()).isEqualTo(400);
    assertThat(noBody.json().at("/errors/0/field").asString()).isEqualTo("body");
    // the detail used to echo the controller's Java method signature
    assertThat(noBody.json().get("detail").asString()).doesNotContain("JobController", "tools.");
    // a JSON body is read whole into memory: it is capped (2 x max-spec-size = 2 MiB here)
    String huge =
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"pad\":\""
            + "x".repeat(3 << 20)
            + "\"}";
    Response tooLarge = call("POST", "/api/v1/jobs", huge);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.contentType()).startsWith("application/problem+json");
    assertThat(tooLarge.json().at("/errors/0/field").asString()).isEqualTo("body");
    Response chunked = api.request("POST", "/api/v1/jobs").json(huge).chunked().send();
    assertThat(chunked.status()).isEqualTo(400);
    assertThat(chunked.text()).contains("over the limit");
    assertThat(totalJobs()).isEqualTo(before);

    Response unknown = call("GET", "/api/v1/jobs/j-missing", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(call("POST", "/api/v1/jobs/j-missing/cancel", null).status()).isEqualTo(404);
    Response badState = call("GET", "/api/v1/jobs?state=DONE", null);
    assertThat(badState.status()).isEqualTo(400);
    assertThat(badState.json().at("/errors/0/field").asString()).isEqualTo("state");
    assertThat(call("GET", "/api/v1/jobs?size=0", null).status()).isEqualTo(400);
    // page * size beyond an int wrapped to a negative SQL offset: was a 500
    Response farPage = call("GET", "/api/v1/jobs?page=2147483647&size=500", null);
    assertThat(farPage.status()).isEqualTo(400);
    assertThat(farPage.json().at("/errors/0/field").asString()).isEqualTo("page");
  }

  @Test
  void anInlineArchitectureIsAccepted() throws Exception {
    Response r =
        call(
            "POST",
            "/api/v1/jobs",
            "{\"architecture\":{\"name\":\"inline\",\"classes\":10},\"datasetId\":\"mini\","
                + "\"hyperparameters\":{\"epochs\":1}}");
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().get("architectureId").isNull()).isTrue();
    assertThat(r.json().get("architectureName").asString()).isEqualTo("inline");
    awaitJob(r.json().get("id").asString(), state("SUCCEEDED"));
  }

  @Test
  void endpointsAreDocumentedInOpenApi() throws Exception {
    JsonNode docs = call("GET", "/v3/api-docs", null).json();
    JsonNode paths = docs.get("paths");
    assertThat(paths.has("/api/v1/jobs")).isTrue();
    assertThat(paths.has("/api/v1/jobs/{id}")).isTrue();
    assertThat(paths.has("/api/v1/jobs/{id}/metrics")).isTrue();
    assertThat(paths.has("/api/v1/jobs/{id}/events")).isTrue();
    assertThat(paths.has("/api/v1/jobs/{id}/cancel")).isTrue();
    assertThat(paths.at("/~1api~1v1~1jobs/post/summary").asString()).isNotBlank();
  }

  void assertProblem(String body, int status, String... fields) throws Exception {
    Response r = call("POST", "/api/v1/jobs", body);
    assertThat(r.status()).as(body).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).isNotBlank();
    assertThat(r.json().get("errors").valueStream().map(e -> e.get("field").asString()))
        .as(r.json().toString())
        .containsExactlyInAnyOrder(fields);
  }
}
