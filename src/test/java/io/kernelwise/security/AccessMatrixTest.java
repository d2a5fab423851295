package io.kernelwise.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Walks every operation of the served OpenAPI document with no key, a reader, a trainer and an
 * admin key. {@link #EXPECTED} is the specification: an operation missing from it fails the test,
 * so an endpoint added later without a rule cannot slip through open.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:security-access;MODE=PostgreSQL;"
          + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
      "kernelwise.data-dir=${java.io.tmpdir}/kernelwise-security-access"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {
  /** "METHOD path" (path parameters as {}) → the least role allowed; "open" for no key. */
  static final Map<String, String> EXPECTED = new TreeMap<>();

  static {
    String[][] table = {
      {"GET /api/v1/architectures", "reader"},
      {"POST /api/v1/architectures", "trainer"},
      {"POST /api/v1/architectures/analyze", "reader"},
      {"GET /api/v1/architectures/presets", "reader"},
      {"GET /api/v1/architectures/{}", "reader"},
      {"DELETE /api/v1/architectures/{}", "trainer"},
      {"GET /api/v1/architectures/{}/summary", "reader"},
      {"POST /api/v1/architectures/{}/variants", "trainer"},
      {"GET /api/v1/datasets", "reader"},
      {"POST /api/v1/datasets", "trainer"},
      {"GET /api/v1/datasets/{}", "reader"},
      {"DELETE /api/v1/datasets/{}", "trainer"},
      {"GET /api/v1/datasets/{}/samples", "reader"},
      {"GET /api/v1/jobs", "reader"},
      {"POST /api/v1/jobs", "trainer"},
      {"GET /api/v1/jobs/{}", "reader"},
      {"GET /api/v1/jobs/{}/metrics", "reader"},
      {"GET /api/v1/jobs/{}/events", "reader"},
      {"POST /api/v1/jobs/{}/cancel", "trainer"},
      {"GET /api/v1/models", "reader"},
      {"GET /api/v1/models/{}", "reader"},
      {"DELETE /api/v1/models/{}", "admin"},
      {"GET /api/v1/models/{}/artifact", "reader"},
      {"POST /api/v1/models/import", "trainer"},
      {"POST /api/v1/models/{}/predict", "reader"},
      {"GET /api/v1/experiments", "reader"},
      {"POST /api/v1/experiments", "trainer"},
      {"GET /api/v1/experiments/{}", "reader"},
      {"GET /api/v1/experiments/{}/chart", "reader"},
      {"POST /api/v1/experiments/{}/cancel", "trainer"},
      {"GET /api/v1/keys", "admin"},
      {"POST /api/v1/keys", "admin"},
      {"DELETE /api/v1/keys/{}", "admin"},
      {"GET /api/v1/keys/me", "reader"},
      {"POST /api/v1/keys/me/event-tokens", "reader"},
      {"GET /api/v1/audit", "admin"},
      {"GET /api/v1/dashboard/job-defaults", "reader"},
      // Open Inference Protocol v2
      {"GET /v2", "reader"},
      {"GET /v2/health/live", "open"},
      {"GET /v2/health/ready", "open"},
      {"GET /v2/models/{}", "reader"},
      {"GET /v2/models/{}/ready", "reader"},
      {"GET /v2/models/{}/versions/{}", "reader"},
      {"GET /v2/models/{}/versions/{}/ready", "reader"},
      {"POST /v2/models/{}/infer", "reader"},
      {"POST /v2/models/{}/versions/{}/infer", "reader"},
    };
    for (String[] row : table) {
      EXPECTED.put(row[0], row[1]);
    }
  }

  static final List<String> ROLES = List.of("reader", "trainer", "admin");

  @LocalServerPort int port;
  HttpJson anonymous;
  Map<String, HttpJson> clients = new TreeMap<>();

  @BeforeAll
  void keys() {
    HttpJson admin = HttpJson.local(port);
    anonymous = admin.withoutHeader("Authorization");
    clients.put("admin", admin);
    for (String role : List.of("reader", "trainer")) {
      String key =
          admin
              .postJson(
                  "/api/v1/keys", "{\"name\":\"matrix " + role + "\",\"role\":\"" + role + "\"}")
              .json(201)
              .get("key")
              .asString();
      clients.put(role, anonymous.withHeader("Authorization", "Bearer " + key));
    }
  }

  record Operation(String method, String path, JsonNode spec) {
    String key() {
      return method + " " + path.replaceAll("\\{[^}]+}", "{}");
    }

    String concrete() {
      return path.replaceAll("\\{[^}]+}", "matrix-0");
    }
  }

  List<Operation> operations(JsonNode doc) {
    List<Operation> ops = new ArrayList<>();
    doc.get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          String method = op.getKey().toUpperCase();
                          if (List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                            ops.add(new Operation(method, path.getKey(), op.getValue()));
                          }
                        }));
    return ops;
  }

  @Test
  void everyOperationHasARuleAndTheServiceEnforcesIt() {
    JsonNode doc = anonymous.getJson("/v3/api-docs");
    List<Operation> ops = operations(doc);
    assertThat(ops).hasSizeGreaterThan(30);
    assertThat(ops.stream().map(Operation::key).filter(k -> !EXPECTED.containsKey(k)).toList())
        .as(
            "operations without an expected role in AccessMatrixTest.EXPECTED: add a row (and a"
                + " rule in AccessRules if the default, reader for reads and trainer otherwise, is"
                + " wrong)")
        .isEmpty();

    List<String> wrong = new ArrayList<>();
    for (Operation op : ops) {
      String needed = EXPECTED.get(op.key());
      HttpJson.Response none = send(anonymous, op);
      if (needed.equals("open")) {
        check(wrong, op, "no key", none.status() != 401 && none.status() != 403, none);
      } else {
        check(wrong, op, "no key", none.status() == 401, none);
        check(
            wrong,
            op,
            "no key: WWW-Authenticate",
            String.valueOf(none.header("WWW-Authenticate")).startsWith("Bearer"),
            none);
        check(wrong, op, "no key: body", errorBody(op, none), none);
      }
      for (String role : ROLES) {
        HttpJson.Response r = send(clients.get(role), op);
        boolean allowed = needed.equals("open") || ROLES.indexOf(role) >= ROLES.indexOf(needed);
        if (allowed) {
          check(wrong, op, role, r.status() != 401 && r.status() != 403 && r.status() < 500, r);
        } else {
          check(wrong, op, role, r.status() == 403, r);
          check(
              wrong,
              op,
              role + ": body",
              errorBody(op, r) && r.text().contains("'" + needed + "'"),
              r);
        }
      }
      // the document says the same
      if (needed.equals("open")) {
        check(wrong, op, "doc: no security", op.spec().path("security").isEmpty(), null);
      } else {
        check(
            wrong,
            op,
            "doc: bearer",
            op.spec().path("security").toString().contains("bearer"),
            null);
        check(
            wrong,
            op,
            "doc: 401/403",
            op.spec().path("responses").has("401") && op.spec().path("responses").has("403"),
            null);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
  }

  private static boolean errorBody(Operation op, HttpJson.Response r) {
    if (op.path().startsWith("/v2")) {
      return r.contentType().startsWith("application/json") && r.json().has("error");
    }
    return r.contentType().startsWith("application/problem+json")
        && r.json().path("status").asInt() == r.status();
  }

  private static void check(
      List<String> wrong, Operation op, String who, boolean ok, HttpJson.Response r) {
    if (!ok) {
      wrong.add(op.key() + " [" + who + "] -> " + (r == null ? "" : r.status() + " " + r.text()));
    }
  }

  /** A request that passes no validation: only who may call is being tested. */
  private static HttpJson.Response send(HttpJson client, Operation op) {
    HttpJson.Request request = client.request(op.method(), op.concrete());
    JsonNode content = op.spec().path("requestBody").path("content");
    if (!content.isMissingNode() && !content.isEmpty()) {
      String type = content.propertyNames().iterator().next();
      if (type.startsWith("multipart/")) {
        request.multipart(new HttpJson.Multipart().field("name", "matrix"));
      } else if (type.contains("json")) {
        request.json("{}");
      } else {
        request.body(type.contains("*") ? "image/png" : type, new byte[] {1, 2, 3});
      }
    }
    return request.send();
  }
}
