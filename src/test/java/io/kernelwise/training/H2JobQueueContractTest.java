package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on embedded H2 in PostgreSQL mode (the default database). */
class H2JobQueueContractTest extends JobQueueContractTest {
  private static HikariDataSource dataSource;

  @BeforeAll
  static void migrate() {
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(
        "jdbc:h2:mem:jobs-contract;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    dataSource.setUsername("sa");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  @AfterAll
  static void close() {
    dataSource.close();
  }

  /**
   * H2 2.4.240 tied a CHECK (x IN ...) constraint to the session that created it (h2database
   * #4308): once the pool retired Flyway's connection, every update of {@code jobs.state} failed
   * and a running job could neither progress nor fail. Hikari retires connections after 30 minutes.
   */
  @Test
  void jobsStillMoveAfterThePoolRetiredTheConnectionThatMigrated() {
    dataSource.getHikariPoolMXBean().softEvictConnections();
    Job job = newJob(1);
    store.insert(job);
    Instant now = CLOCK.instant();
    assertThat(store.startAttempt(job.id(), "w", now)).contains(1);
    assertThat(
            store.transition(
                job.id(), JobState.RUNNING, JobState.FAILED, now, JobStore.Outcome.error("x")))
        .isTrue();
  }

  @Override
  DataSource dataSource() {
    return dataSource;
  }
}
