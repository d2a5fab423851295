package io.kernelwise.datasets;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The repository on a real PostgreSQL given by {@code KERNELWISE_TEST_POSTGRES_URL} (as the jobs
 * contract tests: {@code .ci/start-postgres.sh} prints it), in a fresh schema dropped afterwards.
 */
class PostgresDatasetRepositoryTest extends DatasetRepositoryContractTest {
  private static HikariDataSource dataSource;
  private static String schema;

  @BeforeAll
  static void migrate() {
    String url = System.getenv("KERNELWISE_TEST_POSTGRES_URL");
    assumeTrue(
        url != null && !url.isBlank(),
        "KERNELWISE_TEST_POSTGRES_URL is not set: PostgreSQL repository test skipped");
    schema = "datasets_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (HikariDataSource admin = new HikariDataSource()) {
      admin.setJdbcUrl(url);
      JdbcClient.create(admin).sql("create schema " + schema).update();
    }
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
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
  DataSource dataSource() {
    return dataSource;
  }
}
