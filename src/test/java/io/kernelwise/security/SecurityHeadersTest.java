package io.kernelwise.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Security headers, closed CORS, what the actuator shows without a key, and that nothing beyond
 * health, info, prometheus and metrics is exposed. Same configuration as {@link AccessMatrixTest}
 * (one cached context).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:security-access;MODE=PostgreSQL;"
          + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
      "kernelwise.data-dir=${java.io.tmpdir}/kernelwise-security-access"
    })
class SecurityHeadersTest {
  @LocalServerPort int port;

  HttpJson admin() {
    return HttpJson.local(port);
  }

  HttpJson anonymous() {
    return admin().withoutHeader("Authorization");
  }

  static void secureHeaders(HttpJson.Response r, String csp) {
    assertThat(r.header("X-Content-Type-Options")).as(r.toString()).isEqualTo("nosniff");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(r.header("Content-Security-Policy")).isEqualTo(csp);
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    secureHeaders(admin().get("/api/v1/architectures"), SecurityConfig.DASHBOARD_CSP);
    secureHeaders(anonymous().get("/api/v1/architectures"), SecurityConfig.DASHBOARD_CSP);
    secureHeaders(admin().get("/api/v1/architectures/none"), SecurityConfig.DASHBOARD_CSP);
    secureHeaders(anonymous().get("/actuator/health"), SecurityConfig.DASHBOARD_CSP);
    // static files (the dashboard) are readable without a key, under the dashboard's policy
    HttpJson.Response root = anonymous().get("/");
    assertThat(root.status()).isNotIn(401, 403);
    secureHeaders(root, SecurityConfig.DASHBOARD_CSP);
    HttpJson.Response swagger = anonymous().get("/swagger-ui/index.html");
    assertThat(swagger.status()).isEqualTo(200);
    secureHeaders(swagger, SecurityConfig.SWAGGER_CSP);
    assertThat(swagger.text()).doesNotContain("<script>").doesNotContain("<style");
    assertThat(anonymous().get("/v3/api-docs").status()).isEqualTo(200);
  }

  @Test
  void aForeignOriginCannotChangeAnythingEvenWithAKey() {
    long before = admin().getJson("/api/v1/architectures").get("total").asLong();
    // a "simple" cross-site request (no preflight): text/plain body, and even a key
    HttpJson.Response simple =
        admin()
            .request("POST", "/api/v1/architectures")
            .header("Origin", "https://evil.example")
            .body("text/plain", TinyImages.SPEC.getBytes())
            .send();
    assertThat(simple.status()).isEqualTo(403);
    HttpJson.Response cancel =
        anonymous()
            .request("POST", "/api/v1/experiments/some-id/cancel")
            .header("Origin", "https://evil.example")
            .send();
    assertThat(cancel.status()).isIn(401, 403);
    HttpJson.Response preflight =
        anonymous()
            .request("OPTIONS", "/api/v1/experiments/some-id/cancel")
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization")
            .send();
    assertThat(preflight.status()).isEqualTo(403);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    assertThat(admin().getJson("/api/v1/architectures").get("total").asLong()).isEqualTo(before);
    // the same origin (the dashboard) is not CORS at all
    admin()
        .request("POST", "/api/v1/architectures")
        .header("Origin", "http://127.0.0.1:" + port)
        .json(TinyImages.SPEC)
        .send()
        .expect(201);
  }

  @Test
  void actuatorShowsStatusOnlyWithoutAKeyAndNothingBeyondItsFourEndpoints() {
    JsonNode anonymousHealth = anonymous().getJson("/actuator/health");
    assertThat(anonymousHealth.get("status").asString()).isEqualTo("UP");
    assertThat(anonymousHealth.has("components")).isFalse();
    assertThat(anonymous().getJson("/actuator/health/readiness").has("components")).isFalse();
    assertThat(admin().getJson("/actuator/health").get("components").has("db")).isTrue();

    anonymous().get("/actuator/prometheus").expect(401);
    anonymous().get("/actuator/metrics").expect(401);
    assertThat(admin().get("/actuator/prometheus").text())
        .contains("kernelwise_auth_requests_total");
    admin().get("/actuator/metrics").expect(200);
    for (String hidden :
        new String[] {
          "env", "beans", "configprops", "heapdump", "loggers", "mappings", "threaddump", "shutdown"
        }) {
      assertThat(admin().get("/actuator/" + hidden).status()).as(hidden).isEqualTo(404);
    }
    HttpJson.Response info = anonymous().get("/actuator/info");
    assertThat(info.json(200).at("/security/enabled").asBoolean()).isTrue();
    assertThat(info.text())
        .doesNotContain(TestKeys.ADMIN)
        .doesNotContain("PATH")
        .doesNotContain("HOME")
        .doesNotContain("kernelwise-security-access");
  }
}
