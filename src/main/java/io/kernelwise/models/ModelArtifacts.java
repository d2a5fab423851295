package io.kernelwise.models;

import io.kernelwise.system.ApiException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The artifact zip: the model directory's five files, flat. Reading accepts only those names (no
 * folders, so no path traversal), each at most once, and stops at a size limit so a zip bomb cannot
 * fill the disk.
 */
final class ModelArtifacts {
  private ModelArtifacts() {}

  static void write(Path dir, OutputStream out) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String name : ModelFiles.ALL) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(Files.getLastModifiedTime(dir.resolve(name)).toMillis());
        zip.putNextEntry(entry);
        Files.copy(dir.resolve(name), zip);
        zip.closeEntry();
      }
    }
  }

  /**
   * Unpacks an uploaded artifact into {@code target}; every problem is a 400 naming {@code file}.
   */
  static void unpack(InputStream upload, Path target, long maxBytes, int maxEntries) {
    Set<String> seen = new HashSet<>();
    long total = 0;
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(upload)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (++entries > maxEntries) {
          throw ApiException.overLimit("file", "the zip has more than " + maxEntries + " entries");
        }
        String name = entry.getName();
        if (entry.isDirectory() || !ModelFiles.ALL.contains(name)) {
          throw ApiException.invalid(
              "file",
              "unexpected entry '"
                  + name
                  + "': a model artifact holds exactly "
                  + String.join(", ", ModelFiles.ALL));
        }
        if (!seen.add(name)) {
          throw ApiException.invalid("file", "entry '" + name + "' appears twice");
        }
        total += copyLimited(zip, target.resolve(name), maxBytes - total);
        zip.closeEntry();
      }
    } catch (ZipException | EOFException e) {
      throw ApiException.invalid(
          "file", "is not a valid zip or is truncated (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw ApiException.invalid("file", "cannot be read: " + e.getMessage());
    }
    if (entries == 0) {
      throw ApiException.invalid("file", "is not a zip or is empty");
    }
    for (String name : ModelFiles.ALL) {
      if (!seen.contains(name)) {
        throw ApiException.invalid(
            "file", "is missing '" + name + "' (truncated or not a Kernelwise model artifact)");
      }
    }
  }

  private static long copyLimited(InputStream in, Path file, long remaining) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        written += n;
        if (written > remaining) {
          throw ApiException.overLimit(
              "file", "the unpacked artifact exceeds kernelwise.models.max-artifact-size");
        }
        out.write(buffer, 0, n);
      }
    }
    return written;
  }
}
