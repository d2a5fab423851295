package io.kernelwise.system;

import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Refuses a multi-instance configuration (replicas above 1, or the api and worker roles split)
 * whose database is an embedded H2 file or in-memory database: each instance would silently run its
 * own queue and lose everything on restart. Runs before any bean is created.
 */
final class DeploymentCheck {
  private DeploymentCheck() {}

  static void verify(Environment env) {
    DeploymentProperties deployment =
        Binder.get(env).bindOrCreate("kernelwise", DeploymentProperties.class);
    String url = env.getProperty("spring.datasource.url", "");
    if (deployment.multiInstance() && !shared(url)) {
      throw new IllegalStateException(
          "kernelwise.replicas="
              + deployment.replicas()
              + " with kernelwise.roles="
              + deployment.roles().stream()
                  .map(r -> r.name().toLowerCase(Locale.ROOT))
                  .sorted()
                  .toList()
              + " needs a database every instance shares, but spring.datasource.url is "
              + (url.isBlank()
                  ? "unset"
                  : "'" + url.replaceAll("password=[^;&]*", "password=***") + "'")
              + " (a local embedded database): set SPRING_DATASOURCE_URL to a jdbc:postgresql:// URL");
    }
  }

  /** Embedded H2 (file, mem or a bare path) is local to one process; H2's TCP server is not. */
  static boolean shared(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    if (u.isEmpty()) {
      return false;
    }
    if (u.startsWith("jdbc:h2:")) {
      return u.startsWith("jdbc:h2:tcp:") || u.startsWith("jdbc:h2:ssl:");
    }
    return true;
  }
}
