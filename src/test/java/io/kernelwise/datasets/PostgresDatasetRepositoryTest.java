package io.kernelwise.datasets;

import io.kernelwise.PostgresSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The repository contract on a real PostgreSQL, in a fresh migrated schema. */
class PostgresDatasetRepositoryTest extends DatasetRepositoryContractTest {
  private static PostgresSchema schema;

  @BeforeAll
  static void migrate() {
    schema = PostgresSchema.create("datasets_test", 10, null).orElseThrow();
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
