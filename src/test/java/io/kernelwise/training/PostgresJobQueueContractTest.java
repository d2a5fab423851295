package io.kernelwise.training;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The contract on a real PostgreSQL given by {@code KERNELWISE_TEST_POSTGRES_URL} (start one with
 * {@code .ci/start-postgres.sh}); each run migrates a fresh schema and drops it afterwards.
 */
class PostgresJobQueueContractTest extends JobQueueContractTest {
  static final String URL_VARIABLE = "KERNELWISE_TEST_POSTGRES_URL";
  private static HikariDataSource dataSource;
  private static String schema;

  @BeforeAll
  static void migrate() {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      return; // every test is skipped by assumeDatabase() with the reason
    }
    schema = "jobs_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (HikariDataSource admin = new HikariDataSource()) {
      admin.setJdbcUrl(url);
      JdbcClient.create(admin).sql("create schema " + schema).update();
    }
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    dataSource.setMaximumPoolSize(12);
    Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  @AfterAll
  static void dropSchema() {
    if (dataSource != null) {
      JdbcClient.create(dataSource).sql("drop schema " + schema + " cascade").update();
      dataSource.close();
    }
  }

  @Override
  void assumeDatabase() {
    assumeTrue(
        dataSource != null,
        URL_VARIABLE
            + " is not set: PostgreSQL contract test skipped (run .ci/start-postgres.sh and"
            + " export the URL it prints)");
  }

  @Override
  DataSource dataSource() {
    return dataSource;
  }
}
