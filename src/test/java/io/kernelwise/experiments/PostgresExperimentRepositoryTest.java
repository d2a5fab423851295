package io.kernelwise.experiments;

import io.kernelwise.PostgresSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The experiments repository contract on a real PostgreSQL, in a fresh migrated schema. */
class PostgresExperimentRepositoryTest extends ExperimentRepositoryContractTest {
  private static PostgresSchema schema;

  @BeforeAll
  static void migrate() {
    schema = PostgresSchema.create("experiments_test", 10, null).orElseThrow();
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
