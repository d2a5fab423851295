package io.kernelwise.architecture;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The repository contract on a real PostgreSQL given by {@code KERNELWISE_TEST_POSTGRES_URL}
 * (.ci/start-postgres.sh); migrates V1 into a fresh schema and drops it afterwards.
 */
class PostgresArchitectureRepositoryTest extends ArchitectureRepositoryContractTest {
  private static final String URL_VARIABLE = "KERNELWISE_TEST_POSTGRES_URL";
  private static HikariDataSource dataSource;
  private static String schema;

  @BeforeAll
  static void migrate() {
    String url = System.getenv(URL_VARIABLE);
    assumeTrue(
        url != null && !url.isBlank(),
        URL_VARIABLE + " is not set: PostgreSQL repository contract skipped");
    schema = "architecture_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
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
        .target("1")
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
