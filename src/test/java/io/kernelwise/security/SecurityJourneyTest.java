package io.kernelwise.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A first start without a configured key: the generated admin key from {@code admin.key} creates a
 * trainer key that trains and predicts, is revoked and then refused; an expired key is refused; and
 * no key's secret shows in any other response, the log or the database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class) // from before the context starts: the whole log
class SecurityJourneyTest {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.security.admin-key", () -> ""); // no configured key: generate one
    registry.add("kernelwise.training.poll-interval", () -> "200ms");
  }

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  /** Every exchange of this test, to look for secrets afterwards. */
  final List<HttpJson.Exchange> seen = new ArrayList<>();

  HttpJson anonymous;

  @BeforeEach
  void client() {
    anonymous = HttpJson.local(port).withoutHeader("Authorization").withInspector(seen::add);
  }

  HttpJson as(String key) {
    return anonymous.withHeader("Authorization", "Bearer " + key);
  }

  @Test
  void bootstrapFileTrainerKeyTrainPredictRevokeExpire(CapturedOutput output) throws Exception {
    Path file = dataDir.resolve("admin.key");
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String admin = Files.readString(file).strip();
    assertThat(admin).startsWith("kw_").hasSizeGreaterThan(40);

    JsonNode me = as(admin).getJson("/api/v1/keys/me");
    assertThat(me.get("role").asString()).isEqualTo("admin");
    assertThat(me.get("securityEnabled").asBoolean()).isTrue();
    assertThat(admin).startsWith(me.get("prefix").asString());

    // admin creates a trainer key; its secret is in this response only
    HttpJson.Response created =
        as(admin).postJson("/api/v1/keys", "{\"name\":\"ci trainer\",\"role\":\"trainer\"}");
    JsonNode trainerKey = created.json(201);
    String trainer = trainerKey.get("key").asString();
    String trainerId = trainerKey.get("id").asString();
    assertThat(trainerKey.get("role").asString()).isEqualTo("trainer");
    assertThat(trainer).startsWith(trainerKey.get("prefix").asString() + "_");

    // the trainer cannot manage keys, nor create a key above its own role
    as(trainer).get("/api/v1/keys").expect(403);
    as(trainer).postJson("/api/v1/keys", "{\"name\":\"x\",\"role\":\"admin\"}").expect(403);

    // train and predict with the trainer key
    JsonNode dataset =
        as(trainer)
            .multipart(
                "/api/v1/datasets",
                new HttpJson.Multipart()
                    .field("name", "tiny")
                    .file("file", "tiny.zip", TinyImages.zip()))
            .json(201);
    String arch =
        as(trainer)
            .postJson("/api/v1/architectures", TinyImages.SPEC)
            .json(201)
            .get("id")
            .asString();
    String job =
        as(trainer)
            .postJson(
                "/api/v1/jobs",
                """
                {"architectureId":"%s","datasetId":"%s","device":"cpu",
                 "hyperparameters":{"epochs":1,"batchSize":8,"seed":3}}"""
                    .formatted(arch, dataset.get("id").asString()))
            .json(202)
            .get("id")
            .asString();
    JsonNode state = as(trainer).getJson("/api/v1/jobs/" + job);
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (!Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state.get("state").asString())) {
      assertThat(System.nanoTime()).as("training finished in time").isLessThan(deadline);
      Thread.sleep(200);
      state = as(trainer).getJson("/api/v1/jobs/" + job);
    }
    assertThat(state.get("state").asString()).as(state.toString()).isEqualTo("SUCCEEDED");
    String model = state.get("modelId").asString();
    JsonNode prediction =
        as(trainer)
            .post("/api/v1/models/" + model + "/predict", "image/png", TinyImages.png(true, 99))
            .json(200);
    assertThat(prediction.toString()).contains("red");

    // a browser's EventSource: a short-lived token for this one stream, in the query string
    String events = "/api/v1/jobs/" + job + "/events";
    JsonNode token =
        as(trainer)
            .postJson("/api/v1/keys/me/event-tokens", "{\"path\":\"" + events + "\"}")
            .json(201);
    String t = token.get("token").asString();
    assertThat(anonymous.events(events + "?access_token=" + t))
        .extracting(HttpJson.SseEvent::event)
        .contains("state", "epoch");
    anonymous.get("/api/v1/jobs/" + job + "?access_token=" + t).expect(401); // that path only
    anonymous.get("/api/v1/jobs/other/events?access_token=" + t).expect(401);

    // revoked: 401 at once, its event token too
    as(admin).delete("/api/v1/keys/" + trainerId).json(200);
    HttpJson.Response refused = as(trainer).get("/api/v1/jobs/" + job);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(refused.json().get("detail").asString()).contains("revoked");
    anonymous.get(events + "?access_token=" + t).expect(401);

    // expired: works until expiresAt, then 401
    Instant expires = Instant.now().plusSeconds(3);
    String shortLived =
        as(admin)
            .postJson(
                "/api/v1/keys",
                "{\"name\":\"short\",\"role\":\"reader\",\"expiresAt\":\"" + expires + "\"}")
            .json(201)
            .get("key")
            .asString();
    as(shortLived).get("/api/v1/models").expect(200);
    while (Instant.now().isBefore(expires.plusMillis(200))) {
      Thread.sleep(100);
    }
    HttpJson.Response expired = as(shortLived).get("/api/v1/models");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().get("detail").asString()).contains("expired");

    // the last active admin key cannot be revoked
    as(admin).delete("/api/v1/keys/" + me.get("id").asString()).expect(409);

    // the audit trail: who did what
    JsonNode audit = as(admin).getJson("/api/v1/audit?size=100").get("items");
    assertThat(audit.toString())
        .contains(
            "POST /api/v1/jobs", "DELETE /api/v1/keys/{id}", trainerKey.get("prefix").asString());
    assertThat(audit.findValuesAsString("outcome")).contains("succeeded", "denied");

    // no secret anywhere but in its own creation response
    for (String secret : List.of(admin, trainer, shortLived)) {
      long responses =
          seen.stream()
              .filter(e -> e.responseBody() != null)
              .filter(
                  e ->
                      new String(e.responseBody(), StandardCharsets.UTF_8).contains(secret)
                          || e.responseHeaders().toString().contains(secret))
              .count();
      assertThat(responses).as("responses showing a secret").isLessThanOrEqualTo(1);
      String database = String.join("\n", jdbc.sql("SCRIPT").query(String.class).list());
      assertThat(database).as("database").doesNotContain(secret);
    }
    String log = output.getAll();
    assertThat(log).contains("Started"); // the capture did see the start-up
    assertThat(log).doesNotContain(trainer).doesNotContain(shortLived);
    // the generated admin key is printed once, on purpose, with how to use it
    assertThat(log.split(admin, -1)).hasSize(2);
    assertThat(log).contains("Authorization: Bearer");
  }
}
