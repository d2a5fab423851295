package io.kernelwise.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** {@code kernelwise.security.enabled=false}: everyone is admin, and it says so loudly. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:security-off;MODE=PostgreSQL;"
          + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
      "kernelwise.data-dir=${java.io.tmpdir}/kernelwise-security-off",
      "kernelwise.security.enabled=false"
    })
@ExtendWith(OutputCaptureExtension.class)
class SecurityDisabledTest {
  @LocalServerPort int port;

  @Test
  void openToAllWithAWarningAtStartupAndInInfo(CapturedOutput output) {
    HttpJson anonymous = HttpJson.local(port).withoutHeader("Authorization");
    JsonNode me = anonymous.getJson("/api/v1/keys/me");
    assertThat(me.get("role").asString()).isEqualTo("admin");
    assertThat(me.get("securityEnabled").asBoolean()).isFalse();
    anonymous.postJson("/api/v1/architectures", TinyImages.SPEC).expect(201);
    JsonNode info = anonymous.getJson("/actuator/info");
    assertThat(info.at("/security/enabled").asBoolean(true)).isFalse();
    assertThat(info.at("/security/warning").asString()).contains("SECURITY IS DISABLED");
    assertThat(output.getAll()).contains("SECURITY IS DISABLED");
    // still audited, as the anonymous admin
    assertThat(anonymous.getJson("/api/v1/audit").toString())
        .contains("POST /api/v1/architectures", "anonymous (security disabled)");
  }
}
