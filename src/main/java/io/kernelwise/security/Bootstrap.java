package io.kernelwise.security;

import io.kernelwise.system.KernelwiseProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The first admin key: {@code kernelwise.security.admin-key} when configured (registered on every
 * start unless already there), otherwise, when no key exists at all, a generated one, printed once
 * and written to {@code <data-dir>/admin.key} readable by its owner only.
 */
@Component
class Bootstrap implements ApplicationRunner {
  static final String FILE = "admin.key";

  /** Fixed, so two replicas starting on an empty database store one generated key, not two. */
  static final String GENERATED_ID = "bootstrap-admin";

  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
  private final SecurityProperties security;
  private final KernelwiseProperties kernelwise;
  private final ApiKeys keys;
  private final Environment environment;

  Bootstrap(
      SecurityProperties security,
      KernelwiseProperties kernelwise,
      ApiKeys keys,
      Environment environment) {
    this.security = security;
    this.kernelwise = kernelwise;
    this.keys = keys;
    this.environment = environment;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (!security.enabled()) {
      log.warn(SecurityInfo.DISABLED_BANNER);
      return;
    }
    String configured = security.adminKey();
    if (configured != null && !configured.isBlank()) {
      registerConfigured(configured.strip());
    } else if (keys.count() == 0) {
      generate();
    }
  }

  private void registerConfigured(String key) {
    if (key.length() < ApiKeys.MIN_CONFIGURED_LENGTH) {
      throw new IllegalStateException(
          "kernelwise.security.admin-key (KERNELWISE_SECURITY_ADMIN_KEY) must be at least "
              + ApiKeys.MIN_CONFIGURED_LENGTH
              + " characters, e.g. the output of: openssl rand -base64 32");
    }
    var existing = keys.byHashOf(key);
    if (existing.isPresent()) {
      if (existing.get().revoked()) {
        log.warn(
            "the key in kernelwise.security.admin-key ({}) has been revoked and stays revoked",
            existing.get().prefix());
      }
      return;
    }
    if (keys.insertBootstrap(
        UUID.randomUUID().toString(), key, "bootstrap (kernelwise.security.admin-key)", "config")) {
      log.info(
          "registered the admin key from kernelwise.security.admin-key as {}", Secrets.prefix(key));
    }
  }

  private void generate() {
    String key = Secrets.newKey();
    if (!keys.insertBootstrap(
        GENERATED_ID, key, "bootstrap (generated at first start)", "generated")) {
      return; // another replica generated it
    }
    Path file = kernelwise.dataDir().resolve(FILE).toAbsolutePath();
    writeOwnerOnly(file, key);
    // Printed this once, as Elasticsearch does, so a first run in a terminal needs no file access.
    log.warn(
        """

        ************************************************************************************
        Generated the first admin API key (shown this once; also saved, owner-only, to
        {} ):

            {}

        Use it as a bearer token, e.g.
            KEY=$(cat {})
            curl -H "Authorization: Bearer $KEY" http://localhost:{}/api/v1/keys/me
        and create keys with less power for daily use (POST /api/v1/keys).
        ************************************************************************************""",
        file,
        key,
        file,
        environment.getProperty(
            "local.server.port", environment.getProperty("server.port", "8080")));
  }

  /** Written to a temporary file created 0600, then moved into place: never briefly readable. */
  static void writeOwnerOnly(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(FILE + "." + UUID.randomUUID() + ".tmp");
      try {
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp); // not a POSIX file system (Windows): the user profile's ACLs apply
      } catch (FileAlreadyExistsException e) {
        throw new IllegalStateException(e);
      }
      Files.writeString(tmp, content + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the admin key to " + file, e);
    }
  }
}
