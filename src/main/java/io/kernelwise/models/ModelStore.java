package io.kernelwise.models;

import io.kernelwise.system.DeploymentProperties;
import io.kernelwise.system.KernelwiseProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The model store: one directory per model id under {@code kernelwise.models.store-dir}. A model is
 * written into a staging directory inside the store and then renamed into place in one atomic move,
 * so any replica sharing the volume sees either no directory or a complete one. The store keeps no
 * index of its own: the database row is the source of truth, inserted after the move.
 */
// named so it does not clash with the "modelStore" health indicator of system.OperationsConfig
@Component("modelFileStore")
public class ModelStore {
  private static final Logger log = LoggerFactory.getLogger(ModelStore.class);
  private static final String STAGING = ".staging";
  private static final String TRASH = ".trash";

  private final Path root;

  ModelStore(KernelwiseProperties properties, DeploymentProperties deployment) {
    this.root = deployment.modelStore(properties.models()).toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The directory of a stored model (it may not exist, e.g. not yet visible to this replica). */
  public Path directory(String id) {
    return root.resolve(id);
  }

  /** True when the model's directory is fully there (the manifest is part of the atomic move). */
  public boolean isComplete(String id) {
    return Files.isRegularFile(directory(id).resolve(ModelFiles.MANIFEST));
  }

  /** A fresh, empty staging directory on the same file system as the store. */
  Path stage() {
    try {
      Path dir = root.resolve(STAGING).resolve(UUID.randomUUID().toString());
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a staging directory in the model store", e);
    }
  }

  /** Moves a complete staging directory to its final place, atomically. */
  void commit(Path staging, String id) {
    Path target = directory(id);
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException(
          "the model store " + root + " does not support atomic rename; use a POSIX volume", e);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalStateException("model directory " + target + " already exists", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move model " + id + " into the store", e);
    }
  }

  /** Removes a model's files: renamed out of sight first, so readers never see half a model. */
  void delete(String id) {
    Path dir = directory(id);
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Path trash = root.resolve(TRASH).resolve(id + "-" + UUID.randomUUID());
      Files.createDirectories(trash.getParent());
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      deleteRecursively(trash);
    } catch (IOException e) {
      log.warn("could not remove the files of model {}: {}", id, e.toString());
    }
  }

  /** Best-effort removal of a staging directory after a failed write or import. */
  void discard(Path staging) {
    try {
      deleteRecursively(staging);
    } catch (IOException e) {
      log.warn("could not remove staging directory {}: {}", staging, e.toString());
    }
  }

  long size(String id) {
    try (Stream<Path> files = Files.list(directory(id))) {
      return files.mapToLong(ModelStore::sizeOf).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
