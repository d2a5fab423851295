package io.kernelwise.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.training.JdbcJobStore;
import io.kernelwise.training.Job;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The V5 schema and {@link ExperimentRepository} against a real database; subclasses run it on H2
 * (PostgreSQL mode) and on PostgreSQL.
 */
abstract class ExperimentRepositoryContractTest {
  /** A database migrated to the latest version, the same for the whole class. */
  abstract DataSource dataSource();

  ExperimentRepository repository;
  JdbcJobStore jobs;
  final Instant t0 = Instant.parse("2026-11-25T08:00:00Z");

  @BeforeEach
  void clean() {
    JdbcClient jdbc = JdbcClient.create(dataSource());
    for (String table : List.of("experiment_jobs", "experiments", "jobs")) {
      jdbc.sql("delete from " + table).update();
    }
    repository = new ExperimentRepository(jdbc, new DataSourceTransactionManager(dataSource()));
    jobs = new JdbcJobStore(dataSource());
  }

  String job() {
    String id = "j-" + UUID.randomUUID().toString().substring(0, 8);
    jobs.insert(Job.queued(id, "a-1", "seed", "{}", "mini", "{}", "cpu", 2, t0));
    return id;
  }

  Experiment experiment(String id, Instant createdAt, String... jobIds) {
    List<Experiment.Entry> entries =
        java.util.stream.IntStream.range(0, jobIds.length)
            .mapToObj(
                i ->
                    new Experiment.Entry(
                        "a-" + i,
                        "net-" + i,
                        i == 0 ? null : "factorize",
                        1_000_000L + i,
                        30_000_000_000L + i, // over int range: columns are bigint
                        List.of(5L + i, 5L + i),
                        jobIds[i]))
            .toList();
    return new Experiment(
        id, "name " + id, "mini", "cpu", "{\"epochs\":2}", "a-0", createdAt, null, entries);
  }

  @Test
  void storesAndReadsBackAnExperimentWithItsEntriesInOrder() {
    Experiment e = experiment("x-1", t0, job(), job(), job());
    repository.insert(e);
    Experiment read = repository.find("x-1").orElseThrow();
    assertThat(read).isEqualTo(e);
    assertThat(repository.find("x-none")).isEmpty();
  }

  @Test
  void pagesNewestFirstAndCounts() {
    for (int i = 0; i < 5; i++) {
      repository.insert(experiment("x-" + i, t0.plus(i, ChronoUnit.MINUTES), job()));
    }
    assertThat(repository.count()).isEqualTo(5);
    assertThat(repository.page(0, 2)).extracting(Experiment::id).containsExactly("x-4", "x-3");
    assertThat(repository.page(2, 2)).extracting(Experiment::id).containsExactly("x-0");
    assertThat(repository.page(3, 2)).isEmpty();
  }

  @Test
  void keepsTheFirstCancelRequest() {
    repository.insert(experiment("x-1", t0, job()));
    repository.markCancelRequested("x-1", t0.plusSeconds(5));
    repository.markCancelRequested("x-1", t0.plusSeconds(9));
    assertThat(repository.find("x-1").orElseThrow().cancelRequestedAt())
        .isEqualTo(t0.plusSeconds(5));
  }

  @Test
  void isAllOrNothingAndAJobBelongsToOneExperiment() {
    String shared = job();
    repository.insert(experiment("x-1", t0, shared));
    // the second entry repeats a job: the whole experiment is refused, its row too
    assertThatThrownBy(() -> repository.insert(experiment("x-2", t0, job(), shared)))
        .isInstanceOf(DataIntegrityViolationException.class);
    assertThat(repository.find("x-2")).isEmpty();
    assertThat(repository.count()).isEqualTo(1);
    // entries must point at stored jobs
    assertThatThrownBy(() -> repository.insert(experiment("x-3", t0, "j-missing")))
        .isInstanceOf(DataIntegrityViolationException.class);
  }
}
