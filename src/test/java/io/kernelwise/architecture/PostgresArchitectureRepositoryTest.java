package io.kernelwise.architecture;

import io.kernelwise.PostgresSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The repository contract on a real PostgreSQL, in a fresh schema migrated up to V1. */
class PostgresArchitectureRepositoryTest extends ArchitectureRepositoryContractTest {
  private static PostgresSchema schema;

  @BeforeAll
  static void migrate() {
    schema = PostgresSchema.create("architecture_test", 10, "1").orElseThrow();
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }

  @Override
  DataSource dataSource() {
    return schema.dataSource();
  }
}
