package io.kernelwise.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compose file and the Prometheus configuration, checked by the tools that read them, and the
 * Dockerfile's promises (numeric user, base images as arguments, the health check's port).
 */
class DeployFilesTest {

  @Test
  void composeFileIsValid() throws Exception {
    Path tool = firstExecutable("/usr/bin/docker-compose", "/usr/local/bin/docker-compose");
    assumeTrue(tool != null, "needs docker-compose (apt-get install docker-compose)");
    Result r = run(tool.toString(), "-f", "docker-compose.yml", "config");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains(
            "KERNELWISE_ROLES: api", "KERNELWISE_ROLES: worker", "KERNELWISE_SHARED_DIR: /shared")
        .contains("worker-1:", "worker-2:", "prometheus:", "grafana:", "postgres:");
  }

  @Test
  void prometheusConfigIsValidAndScrapesEveryInstance() throws Exception {
    Path promtool = firstExecutable("/usr/bin/promtool");
    assumeTrue(promtool != null, "needs promtool (apt-get install prometheus)");
    // credentials_file must exist for promtool: check a copy whose key file is here
    Path dir = Files.createTempDirectory("kw-prom");
    Path key = dir.resolve("admin.key");
    Files.writeString(key, "k".repeat(40));
    String config =
        Files.readString(Path.of("deploy/prometheus/prometheus.yml"))
            .replace("/prometheus/admin.key", key.toString());
    assertThat(config).contains("api:8080", "worker-1:8080", "worker-2:8080");
    Path copy = dir.resolve("prometheus.yml");
    Files.writeString(copy, config);
    Result r = run(promtool.toString(), "check", "config", copy.toString());
    assertThat(r.exit()).as(r.output()).isZero();
  }

  @Test
  void dockerfileBuildsFromArgumentsAsANumericNonRootUser() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
    assertThat(lines)
        .contains("ARG BUILDER=eclipse-temurin:17-jdk", "ARG BASE=eclipse-temurin:17-jre");
    assertThat(lines).contains("FROM ${BUILDER} AS build", "FROM ${BASE}");
    assertThat(lines).noneMatch(l -> l.startsWith("# syntax="));
    assertThat(lines.stream().filter(l -> l.startsWith("USER ")).toList())
        .singleElement()
        .satisfies(u -> assertThat(u).matches("USER [1-9][0-9]*:[0-9]+"));
    assertThat(String.join("\n", lines)).contains("${SERVER_PORT:-8080}/actuator/health/liveness");
    assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("*", "!src/main/");
  }

  private static Path firstExecutable(String... candidates) {
    return Stream.of(candidates).map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
  }

  record Result(int exit, String output) {}

  private static Result run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
