package io.kernelwise.training;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kernelwise.PostgresSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The queue contract on a real PostgreSQL, in a fresh migrated schema; each test is skipped with
 * the reason when none is configured.
 */
class PostgresJobQueueContractTest extends JobQueueContractTest {
  private static PostgresSchema schema;

  @BeforeAll
  static void migrate() {
    schema = PostgresSchema.create("jobs_test", 12, null).orElse(null);
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

  @Override
  void assumeDatabase() {
    assumeTrue(schema != null, PostgresSchema.SKIPPED);
  }
}
