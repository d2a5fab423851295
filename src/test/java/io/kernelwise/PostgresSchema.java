package io.kernelwise;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A fresh, migrated schema on the real PostgreSQL named by {@code KERNELWISE_TEST_POSTGRES_URL}
 * ({@code .ci/start-postgres.sh} starts one and prints the URL), dropped on {@link #close()}. The
 * contract tests run against it and against H2.
 */
public final class PostgresSchema implements AutoCloseable {
  public static final String URL_VARIABLE = "KERNELWISE_TEST_POSTGRES_URL";
  public static final String SKIPPED =
      URL_VARIABLE
          + " is not set: PostgreSQL contract test skipped (run .ci/start-postgres.sh and export"
          + " the URL it prints)";

  private final HikariDataSource dataSource;
  private final String schema;

  private PostgresSchema(HikariDataSource dataSource, String schema) {
    this.dataSource = dataSource;
    this.schema = schema;
  }

  /** Empty when no PostgreSQL is configured. {@code target}: last migration, or null for all. */
  public static Optional<PostgresSchema> create(String prefix, int poolSize, String target) {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (HikariDataSource admin = new HikariDataSource()) {
      admin.setJdbcUrl(url);
      JdbcClient.create(admin).sql("create schema " + schema).update();
    }
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    dataSource.setMaximumPoolSize(poolSize);
    var flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .schemas(schema)
            .locations("classpath:db/migration");
    if (target != null) {
      flyway.target(target);
    }
    flyway.load().migrate();
    return Optional.of(new PostgresSchema(dataSource, schema));
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    JdbcClient.create(dataSource).sql("drop schema " + schema + " cascade").update();
    dataSource.close();
  }
}
