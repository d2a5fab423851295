package io.kernelwise;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A fresh, migrated schema on the suite's real PostgreSQL ({@link TestPostgres}: embedded, or the
 * one named by {@code KERNELWISE_TEST_POSTGRES_URL}), dropped on {@link #close()}. The contract
 * tests run against it and against H2.
 */
public final class PostgresSchema implements AutoCloseable {
  public static final String URL_VARIABLE = TestPostgres.URL_VARIABLE;

  private final HikariDataSource dataSource;
  private final String schema;

  private PostgresSchema(HikariDataSource dataSource, String schema) {
    this.dataSource = dataSource;
    this.schema = schema;
  }

  /**
   * {@code target}: last migration, or null for all. Never empty (a PostgreSQL is always there
   * now); still an Optional so that tests written against the earlier signature keep compiling.
   */
  public static Optional<PostgresSchema> create(String prefix, int poolSize, String target) {
    String url = TestPostgres.url();
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
