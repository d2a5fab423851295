package io.kernelwise.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs a real zip ingest from tests outside this package and returns what it stored. */
public final class IngestProbe {
  private IngestProbe() {}

  /** Geometry and pixels of the last train image the ingest stored. */
  public record Stored(int channels, int height, int width, byte[] pixels) {}

  /**
   * Ingests {@code reference} images in class "a" (which fix the dataset's size and channels) and
   * {@code probe} alone in class "b", and returns the stored pixels of {@code probe}.
   */
  public static Stored ingestLast(Path dir, byte[][] reference, String probeName, byte[] probe)
      throws Exception {
    TestZips zip = TestZips.create();
    for (int i = 0; i < reference.length; i++) {
      zip.add("a/ref" + i + ".png", reference[i]);
    }
    zip.add("b/" + probeName, probe);
    Path file = dir.resolve("upload.zip");
    Files.write(file, zip.bytes());
    Path out = Files.createDirectories(dir.resolve("out"));
    ZipIngest ingest = new ZipIngest(new IngestLimits(1000, 64 << 20, 1000, 4096, 10), 2);
    CacheManifest m;
    try (ZipPlan plan = ingest.plan(file)) {
      m = ingest.ingest(plan, out, p -> {});
    }
    if (m.trainCount() != reference.length + 1) {
      throw new AssertionError("ingest skipped an image: " + m.skipped());
    }
    byte[] all = Files.readAllBytes(out.resolve("train.u8"));
    int size = m.channels() * m.height() * m.width();
    // class "b" sorts last, so its only image is the last one stored
    byte[] last = Arrays.copyOfRange(all, all.length - size, all.length);
    return new Stored(m.channels(), m.height(), m.width(), last);
  }
}
