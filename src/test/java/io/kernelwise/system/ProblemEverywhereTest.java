package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.security.TestKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every error is problem+json with the right status, also those Tomcat and the security firewall
 * answer before any controller (a NUL or an encoded slash in a path, a path above the root, an
 * over-long URI or header, TRACE), and none names a Java class, a Jackson feature or a path of the
 * machine. Malformed requests go over a raw socket: {@code java.net.http} refuses to send them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProblemEverywhereTest {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
  }

  @LocalServerPort int port;
  HttpJson api;

  @BeforeEach
  void client() {
    api = HttpJson.local(port);
  }

  RawHttp.Response raw(String requestLine, String... headers) {
    List<String> all = new ArrayList<>(List.of("Authorization: " + TestKeys.BEARER));
    all.addAll(List.of(headers));
    return RawHttp.send(port, requestLine, all.toArray(String[]::new));
  }

  /** A problem+json of one of {@code statuses}, whose text names no code and no machine path. */
  JsonNode assertProblem(RawHttp.Response r, Integer... statuses) {
    assertThat(r.status()).as("%s", r).isIn((Object[]) statuses);
    assertThat(r.contentType()).as("%s", r).startsWith("application/problem+json");
    JsonNode body = HttpJson.JSON.readTree(r.body());
    assertThat(body.get("status").asInt()).as("%s", r).isEqualTo(r.status());
    assertThat(body.get("title").asString()).isNotBlank();
    assertThat(body.get("detail").asString()).isNotBlank();
    assertSafe(r.body());
    return body;
  }

  void assertSafe(String text) {
    assertThat(SafeText.namesCode(text)).as(text).isFalse();
    assertThat(text)
        .doesNotContain("<html", "<!doctype", "java.", "tools.jackson", "org.apache", "\tat ")
        .doesNotContain("Exception", "Feature", "Constraints", "whitelabel", "trace\"")
        .doesNotContain(dataDir.toAbsolutePath().toString());
  }

  // ---- what Tomcat and the firewall refuse --------------------------------------------------

  @Test
  void malformedPathsAre400s() {
    for (String path :
        List.of(
            "/api/v1/architectures/%00",
            "/api/v1/architectures/a%00b",
            "/api/v1/architectures/a%2Fb",
            "/api/v1/architectures/a%2fb",
            "/api/v1/architectures/../../../../etc/passwd",
            "/api/v1/architectures/../jobs",
            "/api/v1/architectures/%2e%2e/jobs",
            "/api/v1/architectures/a%zzb",
            "/api/v1/architectures/a%5Cb",
            "/api/v1/architectures/a;b=c",
            "/api/v1/architectures//x",
            "/api/v1/architectures/a{b}",
            "/api/v1/architectures/a|b")) {
      assertProblem(raw("GET " + path + " HTTP/1.1"), 400);
    }
  }

  @Test
  void overLongUrisAndHeadersAreRefusedAsProblems() {
    String id = "a".repeat(10_000);
    // both over server.max-http-request-header-size, which Tomcat reports as a 400
    assertProblem(raw("GET /api/v1/architectures/" + id + " HTTP/1.1"), 414);
    assertProblem(raw("GET /api/v1/jobs HTTP/1.1", "X-Big: " + "b".repeat(20_000)), 431);
    // an id under the limits is simply not found
    assertProblem(raw("GET /api/v1/architectures/" + "a".repeat(2_000) + " HTTP/1.1"), 404);
  }

  @Test
  void traceIsA405() {
    JsonNode body = assertProblem(raw("TRACE /api/v1/architectures HTTP/1.1"), 405);
    assertThat(body.get("detail").asString()).contains("TRACE");
    assertProblem(raw("TRACE / HTTP/1.1"), 405);
  }

  @Test
  void unknownPathsAndMethodsAreProblems() {
    assertProblem(raw("GET /api/v1/nothing-here HTTP/1.1"), 404);
    assertProblem(raw("GET /error HTTP/1.1"), 404);
    assertProblem(raw("GET /nothing.html HTTP/1.1", "Accept: text/html"), 404);
    assertProblem(raw("PATCH /api/v1/jobs HTTP/1.1"), 405);
    assertProblem(
        raw("POST /api/v1/jobs HTTP/1.1", "Content-Type: text/plain", "Content-Length: 0"), 415);
    assertProblem(raw("GET /api/v1/jobs HTTP/1.1", "Accept: image/png"), 406);
  }

  @Test
  void inferenceProtocolPathsKeepTheProtocolsErrorShape() {
    RawHttp.Response r = raw("GET /v2/models/a%00b HTTP/1.1");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(HttpJson.JSON.readTree(r.body()).get("error").asString()).isNotBlank();
    assertSafe(r.body());
  }

  // ---- what the JSON reader refuses -----------------------------------------------------------

  @Test
  void jsonErrorsNameNoJacksonInternals() {
    String deep = "[".repeat(3000) + "]".repeat(3000);
    for (String path : List.of("/api/v1/jobs", "/api/v1/architectures", "/api/v1/keys")) {
      for (String body :
          List.of(
              deep,
              "{\"a\": NaN}",
              "{/* c */}",
              "{\"a\": 0" + "1".repeat(2000) + "}",
              "{\"a\": " + "9".repeat(2000) + "}",
              "{'a': 1}",
              "{\"a\": 1",
              "{\"name\": \"\u0001\"}")) {
        HttpJson.Response r = api.postJson(path, body);
        assertThat(r.status()).as("%s %s", path, r).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertSafe(r.text());
      }
    }
  }

  @Test
  void builtinDatasetReasonsShowPathsRelativeToTheDataDirectory() {
    JsonNode cifar = api.getJson("/api/v1/datasets/cifar10");
    assertThat(cifar.get("reason").asString()).contains("<data-dir>/builtin/cifar10/");
    assertSafe(cifar.toString());
    HttpJson.Response samples = api.get("/api/v1/datasets/cifar10/samples");
    if (samples.status() >= 400) {
      assertSafe(samples.text());
    }
  }

  // ---- names people give ----------------------------------------------------------------------

  @Test
  void namesWithControlsBidiOverridesOrLoneSurrogatesAreRefused() {
    long architectures = total("/api/v1/architectures?size=1");
    long keys = total("/api/v1/keys?size=1");
    for (String bad : List.of("a\\u0000b", "invoice\\u202Egpj.exe", "lone\\ud800", "bell\\u0007")) {
      String spec =
          "{\"name\":\""
              + bad
              + "\",\"input\":{\"channels\":1,\"height\":4,\"width\":4},\"classes\":2,"
              + "\"layers\":[{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":2}]}";
      assertNamed(api.postJson("/api/v1/architectures", spec), "name");
      assertNamed(
          api.postJson("/api/v1/keys", "{\"name\":\"" + bad + "\",\"role\":\"reader\"}"), "name");
      assertNamed(
          api.postJson(
              "/api/v1/experiments",
              "{\"name\":\"" + bad + "\",\"architectureIds\":[\"x\"],\"datasetId\":\"d\"}"),
          "name");
      assertNamed(
          api.postJson("/api/v1/jobs", "{\"architecture\":" + spec + ",\"datasetId\":\"d\"}"),
          "architecture.name");
    }
    assertThat(total("/api/v1/architectures?size=1")).isEqualTo(architectures);
    assertThat(total("/api/v1/keys?size=1")).isEqualTo(keys);
  }

  @Test
  void datasetNamesAreCheckedToo() {
    long before = total("/api/v1/datasets?size=1");
    HttpJson.Response r =
        api.multipart(
            "/api/v1/datasets",
            new HttpJson.Multipart()
                .field("name", "evil\u202Etxt")
                .file("file", "x.zip", "application/zip", new byte[] {1, 2, 3}));
    assertNamed(r, "name");
    assertThat(total("/api/v1/datasets?size=1")).isEqualTo(before);
  }

  @Test
  void namesAreStoredNfcNormalised() {
    String spec =
        "{\"name\":\"Cafe\\u0301\",\"input\":{\"channels\":1,\"height\":4,\"width\":4},"
            + "\"classes\":2,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"dense\",\"units\":2}]}";
    JsonNode created = api.postJson("/api/v1/architectures", spec, 201);
    assertThat(created.get("name").asString()).isEqualTo("Caf\u00e9");
    api.delete("/api/v1/architectures/" + created.get("id").asString()).expect(204);
  }

  void assertNamed(HttpJson.Response r, String field) {
    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    List<String> fields = new ArrayList<>();
    r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields).as("%s", r).contains(field);
  }

  long total(String path) {
    return api.getJson(path).get("total").asLong();
  }
}
