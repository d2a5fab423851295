package io.kernelwise;

import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A fresh in-memory H2 database in PostgreSQL mode with the application's migrations applied, for
 * {@code @WebMvcTest} slices that back a real service with real tables (no connection pool: it
 * lives as long as the JVM).
 */
public final class MigratedH2 {
  private MigratedH2() {}

  public static DataSource create(String name) {
    DriverManagerDataSource ds =
        new DriverManagerDataSource(
            "jdbc:h2:mem:"
                + name
                + "-"
                + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
            "sa",
            "");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    return ds;
  }
}
