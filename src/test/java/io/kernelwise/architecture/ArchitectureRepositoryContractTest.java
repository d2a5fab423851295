package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The V1 migration and the repository's SQL, on H2 and on PostgreSQL (subclasses). */
abstract class ArchitectureRepositoryContractTest {
  abstract DataSource dataSource();

  private ArchitectureRepository repository() {
    JdbcClient jdbc = JdbcClient.create(dataSource());
    jdbc.sql("DELETE FROM architectures").update();
    return new ArchitectureRepository(jdbc);
  }

  private static ArchitectureRepository.Stored stored(String id, Instant at, String base) {
    return new ArchitectureRepository.Stored(
        id,
        "net-" + id,
        "{\"name\":\"" + "x".repeat(200_000) + "\"}",
        base,
        base == null ? null : "grouped:2",
        at);
  }

  @Test
  void storesReadsPagesAndDeletes() {
    ArchitectureRepository repo = repository();
    Instant t0 = Instant.parse("2026-01-02T03:04:05.123456Z");
    repo.insert(stored("b", t0.plus(1, ChronoUnit.SECONDS), "a"));
    repo.insert(stored("a", t0, null));
    repo.insert(stored("c", t0.plus(2, ChronoUnit.SECONDS), null));

    ArchitectureRepository.Stored b = repo.find("b").orElseThrow();
    assertThat(b).isEqualTo(stored("b", t0.plus(1, ChronoUnit.SECONDS), "a"));
    assertThat(repo.find("a").orElseThrow().baseId()).isNull();
    assertThat(repo.find("nope")).isEmpty();

    assertThat(repo.count()).isEqualTo(3);
    assertThat(repo.page(0, 2))
        .extracting(ArchitectureRepository.Stored::id)
        .containsExactly("a", "b");
    assertThat(repo.page(1, 2)).extracting(ArchitectureRepository.Stored::id).containsExactly("c");

    assertThat(repo.delete("a")).isTrue();
    assertThat(repo.delete("a")).isFalse();
    assertThat(repo.count()).isEqualTo(2);
  }
}
