package io.kernelwise.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Small budgets: a burst over one gets 429 with Retry-After while other keys are served; failed
 * authentications from one address are slowed down; a configured CORS origin is allowed and no
 * other.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:security-rate;MODE=PostgreSQL;"
          + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
      "kernelwise.data-dir=${java.io.tmpdir}/kernelwise-security-rate",
      "kernelwise.security.rate-limits.mutating.capacity=5",
      "kernelwise.security.rate-limits.mutating.period=1h",
      "kernelwise.security.rate-limits.predict.capacity=4",
      "kernelwise.security.rate-limits.predict.period=1h",
      "kernelwise.security.rate-limits.failed-auth.capacity=3",
      "kernelwise.security.rate-limits.failed-auth.period=1h",
      "kernelwise.security.cors.allowed-origins=https://dashboard.example"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitTest {
  @LocalServerPort int port;
  HttpJson admin;
  HttpJson burst;
  HttpJson other;

  @BeforeAll
  void keys() {
    admin = HttpJson.local(port);
    burst = key("burst");
    other = key("other");
  }

  private HttpJson key(String name) {
    String key =
        admin
            .postJson("/api/v1/keys", "{\"name\":\"" + name + "\",\"role\":\"trainer\"}")
            .json(201)
            .get("key")
            .asString();
    return admin.withHeader("Authorization", "Bearer " + key);
  }

  @Test
  @Order(1)
  void aBurstOverTheMutatingBudgetIs429WhileOtherKeysAreServed() {
    for (int i = 0; i < 5; i++) {
      burst.delete("/api/v1/architectures/none-" + i).expect(404);
    }
    HttpJson.Response limited = burst.delete("/api/v1/architectures/none-5");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
    assertThat(limited.contentType()).startsWith("application/problem+json");
    // reads are not budgeted; other keys keep their own budget
    burst.get("/api/v1/architectures").expect(200);
    other.delete("/api/v1/architectures/none").expect(404);
    assertThat(admin.get("/actuator/prometheus").text())
        .contains(
            "kernelwise_auth_requests_total{application=\"kernelwise\",outcome=\"rate_limited\"} 1.0");
  }

  @Test
  @Order(2)
  void predictHasItsOwnBudget() {
    String spec = TinyImages.SPEC;
    for (int i = 0; i < 4; i++) {
      burst.postJson("/api/v1/architectures/analyze", spec).expect(200);
    }
    HttpJson.Response limited = burst.postJson("/api/v1/architectures/analyze", spec);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNotNull();
    other.postJson("/api/v1/architectures/analyze", spec).expect(200);
  }

  @Test
  @Order(3)
  void configuredOriginsOnly() {
    HttpJson.Response preflight =
        admin
            .withoutHeader("Authorization")
            .request("OPTIONS", "/api/v1/jobs")
            .header("Origin", "https://dashboard.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization,content-type")
            .send();
    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.header("Access-Control-Allow-Origin"))
        .isEqualTo("https://dashboard.example");
    HttpJson.Response foreign =
        admin
            .withoutHeader("Authorization")
            .request("OPTIONS", "/api/v1/jobs")
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "POST")
            .send();
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  @Order(4) // last: it blocks this address's unknown keys for the rest of the hour
  void failedAuthenticationsFromOneAddressAreSlowedDown() {
    HttpJson wrong = admin.withHeader("Authorization", "Bearer kw_00000000_wrong-key-guess");
    for (int i = 0; i < 3; i++) {
      wrong.get("/api/v1/jobs").expect(401);
    }
    HttpJson.Response throttled = wrong.get("/api/v1/jobs");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(Long.parseLong(throttled.header("Retry-After"))).isGreaterThan(60);
    assertThat(admin.withoutHeader("Authorization").get("/actuator/health").text())
        .contains("UP"); // probes stay open
  }
}
