package io.kernelwise.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The on-disk layout of one ingested dataset: {@code dataset.json}, {@code train.u8}, {@code
 * train.labels} and, when there is a test split, {@code test.u8} and {@code test.labels}. A cache
 * is written into a temporary directory and moved into place in one step, so a reader sees a
 * complete cache or none.
 */
final class TensorCache {
  static final String MANIFEST = "dataset.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TensorCache() {}

  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(MANIFEST));
  }

  static CacheManifest manifest(Path dir) {
    try {
      return JSON.readValue(Files.readAllBytes(dir.resolve(MANIFEST)), CacheManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeManifest(Path dir, CacheManifest manifest) throws IOException {
    Files.write(dir.resolve(MANIFEST), JSON.writeValueAsBytes(manifest));
  }

  static ImageSplit readSplit(Path dir, String split, int count, long imageBytes)
      throws IOException {
    byte[] pixels = Files.readAllBytes(dir.resolve(split + ".u8"));
    if (pixels.length != count * imageBytes) {
      throw new IOException(
          split + ".u8 holds " + pixels.length + " bytes, expected " + count * imageBytes);
    }
    return new ImageSplit(count, pixels, readLabels(dir.resolve(split + ".labels"), count));
  }

  static void writeLabels(Path file, int[] labels, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asIntBuffer().put(labels, 0, count);
    Files.write(file, buffer.array());
  }

  static int[] readLabels(Path file, int count) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != count * 4) {
      throw new IOException(file.getFileName() + " holds " + bytes.length / 4 + " labels");
    }
    int[] labels = new int[count];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(labels);
    return labels;
  }

  static FileChannel openForWrite(Path file) throws IOException {
    return FileChannel.open(
        file,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE,
        StandardOpenOption.READ);
  }

  /** Moves a finished temporary directory into place, atomically where the file system allows. */
  static void publish(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target);
    }
  }

  /** Deletes a directory tree; a missing one is fine. */
  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException ignored) {
      // already gone
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  static long sizeOnDisk(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var files = Files.list(dir)) {
      return files
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }
}
