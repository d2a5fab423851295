package io.kernelwise.training;

import io.kernelwise.PostgresSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The queue contract on a real PostgreSQL ({@link io.kernelwise.TestPostgres}), fresh schema. */
class PostgresJobQueueContractTest extends JobQueueContractTest {
  private static PostgresSchema schema;

  @BeforeAll
  static void migrate() {
    schema = PostgresSchema.create("jobs_test", 12, null).orElseThrow();
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
