package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.KernelwiseApplication;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.mock.env.MockEnvironment;

/** A multi-instance configuration never falls back to a local embedded database. */
class DeploymentCheckTest {
  static final String H2 = "jdbc:h2:file:./kernelwise-data/db/kernelwise;MODE=PostgreSQL";
  static final String PG = "jdbc:postgresql://db:5432/kernelwise?user=kw&password=secret";

  @TempDir Path dir;

  @Test
  void oneInstanceWithBothRolesMayUseTheEmbeddedDatabase() {
    DeploymentCheck.verify(env(H2));
    DeploymentCheck.verify(env("jdbc:h2:mem:x"));
  }

  @Test
  void replicasAboveOneOnEmbeddedH2AreRefusedNamingTheFix() {
    assertThatThrownBy(
            () -> DeploymentCheck.verify(env(H2).withProperty("kernelwise.replicas", "3")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kernelwise.replicas=3")
        .hasMessageContaining("SPRING_DATASOURCE_URL")
        .hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(
            () -> DeploymentCheck.verify(env("").withProperty("kernelwise.replicas", "2")))
        .hasMessageContaining("unset");
  }

  @Test
  void splitRolesOnEmbeddedH2AreRefused() {
    assertThatThrownBy(
            () -> DeploymentCheck.verify(env(H2).withProperty("kernelwise.roles", "api")))
        .hasMessageContaining("roles=[api]");
    assertThatThrownBy(
            () ->
                DeploymentCheck.verify(
                    env("jdbc:h2:mem:q").withProperty("kernelwise.roles", "worker")))
        .hasMessageContaining("roles=[worker]");
  }

  @Test
  void aSharedDatabaseAllowsAnyTopologyAndThePasswordIsNotEchoed() {
    DeploymentCheck.verify(env(PG).withProperty("kernelwise.replicas", "100"));
    DeploymentCheck.verify(env(PG).withProperty("kernelwise.roles", "worker"));
    DeploymentCheck.verify(
        env("jdbc:h2:tcp://h2:9092/kw").withProperty("kernelwise.replicas", "2"));
    assertThatThrownBy(
            () ->
                DeploymentCheck.verify(
                    env("jdbc:h2:file:/x;password=hunter2")
                        .withProperty("kernelwise.replicas", "2")))
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void rolesAndSharedDirBindWithDefaults() {
    var d =
        org.springframework.boot.context.properties.bind.Binder.get(
                env(H2).withProperty("kernelwise.data-dir", "/data"))
            .bindOrCreate("kernelwise", DeploymentProperties.class);
    assertThat(d.api()).isTrue();
    assertThat(d.worker()).isTrue();
    assertThat(d.sharedStore()).isEqualTo(Path.of("/data"));
    assertThat(d.modelStore(null)).isEqualTo(Path.of("/data/models"));
    var split =
        org.springframework.boot.context.properties.bind.Binder.get(
                env(PG)
                    .withProperty("kernelwise.shared-dir", "/shared")
                    .withProperty("kernelwise.roles", "worker"))
            .bindOrCreate("kernelwise", DeploymentProperties.class);
    assertThat(split.api()).isFalse();
    assertThat(split.sharedStore()).isEqualTo(Path.of("/shared"));
  }

  /** The real application refuses to start, before touching the database. */
  @Test
  void theApplicationRefusesToStart() {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(KernelwiseApplication.class)
                    .web(WebApplicationType.NONE)
                    .run(
                        "--kernelwise.data-dir=" + dir,
                        "--kernelwise.roles=api",
                        "--spring.main.banner-mode=off")
                    .close())
        .hasStackTraceContaining("needs a database every instance shares");
    assertThat(dir.resolve("db")).doesNotExist();
  }

  private static MockEnvironment env(String url) {
    return new MockEnvironment().withProperty("spring.datasource.url", url);
  }
}
