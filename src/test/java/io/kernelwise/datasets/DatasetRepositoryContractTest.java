package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The repository's SQL against a migrated database; subclasses give H2 and PostgreSQL. */
abstract class DatasetRepositoryContractTest {
  private DatasetRepository repository;

  abstract DataSource dataSource();

  @BeforeEach
  void clean() {
    JdbcClient jdbc = JdbcClient.create(dataSource());
    jdbc.sql("DELETE FROM datasets").update();
    repository = new DatasetRepository(jdbc);
  }

  @Test
  void storesAndReadsEveryStateChange() {
    Instant t0 = Instant.parse("2026-01-02T03:04:05Z");
    repository.insert(row("a", DatasetState.INGESTING, t0));
    repository.insert(row("b", DatasetState.INGESTING, t0.plusSeconds(1)));
    repository.insert(row("c", DatasetState.INGESTING, t0.plusSeconds(2)));

    repository.updateProgress("a", 0.5);
    assertThat(repository.find("a").orElseThrow().progress()).isEqualTo(0.5);

    CacheManifest manifest =
        new CacheManifest(
            1,
            List.of("cat", "dog"),
            3,
            32,
            32,
            10,
            4,
            new int[] {5, 5},
            new int[] {2, 2},
            new float[] {0.1f, 0.2f, 0.3f},
            new float[] {0.4f, 0.5f, 0.6f},
            1,
            List.of(new SkippedFile("cat/x.jpg", "not a JPEG or PNG image")));
    repository.markReady("a", manifest, 1234, t0.plusSeconds(10));
    DatasetRecord a = repository.find("a").orElseThrow();
    assertThat(a.state()).isEqualTo(DatasetState.READY);
    assertThat(a.progress()).isEqualTo(1.0);
    assertThat(a.sizeBytes()).isEqualTo(1234);
    assertThat(a.manifest().classes()).containsExactly("cat", "dog");
    assertThat(a.manifest().mean()).containsExactly(0.1f, 0.2f, 0.3f);
    assertThat(a.manifest().skipped()).containsExactly(manifest.skipped().get(0));
    assertThat(a.createdAt()).isEqualTo(t0);
    assertThat(a.finishedAt()).isEqualTo(t0.plusSeconds(10));

    repository.markFailed("b", "x".repeat(5000), t0.plusSeconds(11));
    DatasetRecord b = repository.find("b").orElseThrow();
    assertThat(b.state()).isEqualTo(DatasetState.FAILED);
    assertThat(b.reason()).hasSize(4000).endsWith("...");

    assertThat(repository.failInterrupted("me", "restarted", t0.plusSeconds(12))).isEqualTo(1);
    assertThat(repository.find("c").orElseThrow().reason()).isEqualTo("restarted");
    repository.updateProgress("c", 0.7);
    assertThat(repository.find("c").orElseThrow().progress())
        .as("progress of a finished ingest stays")
        .isEqualTo(0.0);

    assertThat(repository.count()).isEqualTo(3);
    assertThat(repository.findPage(0, 2)).extracting(DatasetRecord::id).containsExactly("c", "b");
    assertThat(repository.findPage(2, 2)).extracting(DatasetRecord::id).containsExactly("a");
    assertThat(repository.delete("b")).isTrue();
    assertThat(repository.delete("b")).isFalse();
    assertThat(repository.find("b")).isEmpty();
  }

  /** Several instances on one database: an ingest is its owner's until it ends or goes silent. */
  @Test
  void ingestsHaveAnOwnerAndEndOnceOnly() {
    Instant t0 = Instant.parse("2026-01-02T03:04:05Z");
    Instant now = t0.plusSeconds(100);
    repository.insertIngesting(row("mine", DatasetState.INGESTING, t0), "a", t0);
    repository.insertIngesting(row("live", DatasetState.INGESTING, t0), "b", now);
    repository.insertIngesting(row("dead", DatasetState.INGESTING, t0), "c", t0);

    // instance a restarts: only its own ingest is failed, then the one whose owner went silent
    assertThat(repository.failInterrupted("a", "restarted", now)).isEqualTo(1);
    assertThat(repository.failAbandoned("a", now.minusSeconds(30), now)).isEqualTo(1);
    assertThat(repository.find("mine").orElseThrow().state()).isEqualTo(DatasetState.FAILED);
    assertThat(repository.find("live").orElseThrow().state()).isEqualTo(DatasetState.INGESTING);
    DatasetRecord dead = repository.find("dead").orElseThrow();
    assertThat(dead.state()).isEqualTo(DatasetState.FAILED);
    assertThat(dead.reason()).contains("'c' stopped heartbeating");
    assertThat(repository.ingesting()).containsExactly("live");

    assertThat(repository.heartbeat("live", "b", now)).isTrue();
    assertThat(repository.heartbeat("live", "a", now)).as("not a's ingest").isFalse();
    assertThat(repository.heartbeat("dead", "c", now)).as("already ended").isFalse();

    // a FAILED dataset never flips to READY, nor fails twice
    CacheManifest manifest =
        new CacheManifest(
            1,
            List.of("cat", "dog"),
            3,
            8,
            8,
            2,
            0,
            new int[] {1, 1},
            new int[] {0, 0},
            new float[] {0.1f, 0.2f, 0.3f},
            new float[] {0.4f, 0.5f, 0.6f},
            0,
            List.of());
    assertThat(repository.markReady("dead", manifest, 1, now)).isFalse();
    assertThat(repository.markFailed("dead", "again", now)).isFalse();
    assertThat(repository.find("dead").orElseThrow().state()).isEqualTo(DatasetState.FAILED);
    assertThat(repository.find("dead").orElseThrow().reason()).contains("stopped heartbeating");
    assertThat(repository.markReady("live", manifest, 1, now)).isTrue();
  }

  private static DatasetRecord row(String id, DatasetState state, Instant createdAt) {
    return new DatasetRecord(
        id, "name-" + id, state, null, 0, null, 0, createdAt.truncatedTo(ChronoUnit.MILLIS), null);
  }
}
