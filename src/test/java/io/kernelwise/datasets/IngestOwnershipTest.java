package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kernelwise.system.KernelwiseProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An instance starting next to another one on the same database and data directory fails only its
 * own interrupted ingests (and those of an owner that went silent), and keeps the temporary files
 * of the ingest the other instance is running. It used to fail every INGESTING dataset.
 */
class IngestOwnershipTest {
  @TempDir Path dataDir;
  HikariDataSource dataSource;
  DatasetRepository repository;
  DatasetService service;

  @BeforeEach
  void setUp() {
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(
        "jdbc:h2:mem:ownership-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    repository = new DatasetRepository(JdbcClient.create(dataSource));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) {
      service.destroy();
    }
    dataSource.close();
  }

  @Test
  void startupLeavesAnotherLiveInstancesIngestAlone() throws Exception {
    Instant now = Instant.now();
    repository.insertIngesting(row("mine"), "node-a", now.minusSeconds(600));
    repository.insertIngesting(row("theirs"), "node-b", now);
    repository.insertIngesting(row("silent"), "node-c", now.minusSeconds(600));
    Path datasets = Files.createDirectories(dataDir.resolve("datasets"));
    for (String id : new String[] {"mine", "theirs", "silent"}) {
      Files.createDirectories(datasets.resolve(".tmp-" + id));
      Files.createDirectories(datasets.resolve(".uploads"));
      Files.write(datasets.resolve(".uploads").resolve(id + ".zip"), new byte[] {1});
    }

    KernelwiseProperties properties =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "kernelwise.data-dir", dataDir.toString(),
                        "kernelwise.training.instance-name", "node-a",
                        "kernelwise.training.heartbeat-interval", "5s")))
            .bindOrCreate("kernelwise", KernelwiseProperties.class);
    service =
        new DatasetService(
            repository,
            properties,
            new Binder(
                    new MapConfigurationPropertySource(
                        Map.of("kernelwise.data-dir", dataDir.toString())))
                .bindOrCreate("kernelwise", io.kernelwise.system.DeploymentProperties.class),
            Clock.systemUTC());
    service.recoverAfterRestart();

    assertThat(repository.find("mine").orElseThrow().state()).isEqualTo(DatasetState.FAILED);
    assertThat(repository.find("silent").orElseThrow().state()).isEqualTo(DatasetState.FAILED);
    assertThat(repository.find("theirs").orElseThrow().state()).isEqualTo(DatasetState.INGESTING);
    assertThat(datasets.resolve(".tmp-theirs")).exists();
    assertThat(datasets.resolve(".uploads/theirs.zip")).exists();
    assertThat(datasets.resolve(".tmp-mine")).doesNotExist();
    assertThat(datasets.resolve(".uploads/mine.zip")).doesNotExist();
    assertThat(datasets.resolve(".tmp-silent")).doesNotExist();
  }

  private static DatasetRecord row(String id) {
    return new DatasetRecord(id, id, DatasetState.INGESTING, null, 0, null, 0, Instant.now(), null);
  }
}
