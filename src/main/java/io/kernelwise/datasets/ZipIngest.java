package io.kernelwise.datasets;

import io.kernelwise.imaging.ImagePixels;
import io.kernelwise.system.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Turns an image-folder zip into a tensor cache. Three passes, none of which holds the archive in
 * memory:
 *
 * <ol>
 *   <li>{@link #plan} ({@link ZipLayout}): the central directory only;
 *   <li>header pass (parallel): inflates every image entry up to its declared size, which must be
 *       at most the largest acceptable image ({@link IngestLimits#maxImageBytes()}; larger entries
 *       are skipped without inflating them) and within the compression ratio, and reads format and
 *       dimensions from the image header without decoding, so an image claiming a huge size is
 *       never decoded;
 *   <li>decode pass (parallel): decodes each image once at the majority size (others are resized
 *       bilinearly), writes uint8 CHW pixels at their slot of {@code train.u8}/{@code test.u8}
 *       ({@link SplitWriter}) and sums per-channel statistics ({@link PixelStats}).
 * </ol>
 *
 * Memory per ingest thread is one entry (at most {@code maxImageBytes}) plus its decoded image.
 * Files that are not decodable JPEG/PNG images, or whose sides exceed {@code maxImageSide}, are
 * skipped and listed in the manifest; hostile archives are refused with a 400.
 */
final class ZipIngest {
  static final String FIELD = "file";
  private static final long RATIO_FLOOR_BYTES = 1 << 20;

  private final IngestLimits limits;
  private final int threads;

  ZipIngest(IngestLimits limits, int threads) {
    this.limits = limits;
    this.threads = Math.max(1, threads);
  }

  /** Checks the archive's structure; the caller closes the plan. Throws 400 on any problem. */
  ZipPlan plan(Path zipFile) throws IOException {
    return new ZipLayout(limits).plan(zipFile);
  }

  /**
   * Decodes the planned images into {@code outDir} (which must exist and be empty) and writes its
   * manifest. {@code progress} receives 0..1.
   */
  CacheManifest ingest(ZipPlan plan, Path outDir, DoubleConsumer progress) throws IOException {
    List<ZipPlan.Item> items = new ArrayList<>(plan.train);
    items.addAll(plan.test);
    int n = items.size();
    int nTrain = plan.train.size();
    ImagePixels.Header[] headers = new ImagePixels.Header[n];
    List<SkippedFile> skipped = new ArrayList<>(plan.ignored);
    AtomicInteger skippedCount = new AtomicInteger(plan.ignored.size());
    IngestProgress tracker = new IngestProgress(progress, 2L * n);

    ExecutorService pool = Executors.newFixedThreadPool(threads, Parallel.daemon("ingest"));
    try {
      Parallel.run(
          pool,
          threads,
          n,
          ImagePixels::new,
          (decoder, i) -> {
            ZipEntry entry = items.get(i).entry();
            byte[] bytes = readEntry(plan.zip, entry);
            if (bytes == null) {
              SkippedFile.report(
                  skipped,
                  entry.getName(),
                  "is "
                      + entry.getSize()
                      + " bytes, larger than the largest image accepted ("
                      + limits.maxImageBytes()
                      + " bytes for maxImageSide "
                      + limits.maxImageSide()
                      + "); not inflated");
              skippedCount.incrementAndGet();
            } else {
              headerOf(decoder, bytes, entry, headers, i, skipped, skippedCount);
            }
            tracker.step();
          });
      Target target = chooseTarget(plan, headers, nTrain);
      requireEveryClass(plan, headers, nTrain, "no readable train images");

      SplitWriter trainOut = new SplitWriter(outDir, "train", 0, nTrain, target.imageBytes());
      SplitWriter testOut = new SplitWriter(outDir, "test", nTrain, n, target.imageBytes());
      PixelStats stats = new PixelStats(target.channels, target.height * target.width);
      try (trainOut;
          testOut) {
        Parallel.run(
            pool,
            threads,
            n,
            ImagePixels::new,
            (decoder, i) -> {
              if (headers[i] != null) {
                ZipPlan.Item item = items.get(i);
                byte[] bytes = readEntry(plan.zip, item.entry());
                byte[] chw = new byte[(int) target.imageBytes()];
                try {
                  decoder.decode(bytes, target.channels, target.height, target.width, chw);
                  if (i < nTrain) {
                    trainOut.write(i, chw, item.label());
                    stats.add(chw);
                  } else {
                    testOut.write(i, chw, item.label());
                  }
                } catch (ImagePixels.BadImageException e) {
                  headers[i] = null;
                  SkippedFile.report(skipped, item.entry().getName(), e.getMessage());
                  skippedCount.incrementAndGet();
                }
              }
              tracker.step();
            });
        requireEveryClass(plan, headers, nTrain, "no decodable train images");
        trainOut.finish(headers);
        testOut.finish(headers);
      }
      if (testOut.count == 0) {
        Files.deleteIfExists(outDir.resolve("test.u8"));
        Files.deleteIfExists(outDir.resolve("test.labels"));
      }
      int resized = 0;
      for (ImagePixels.Header h : headers) {
        if (h != null && (h.width() != target.width || h.height() != target.height)) {
          resized++;
        }
      }
      CacheManifest manifest =
          new CacheManifest(
              CacheManifest.VERSION,
              plan.classes,
              target.channels,
              target.height,
              target.width,
              trainOut.count,
              testOut.count,
              trainOut.perClass(plan.classes.size()),
              testOut.perClass(plan.classes.size()),
              stats.mean(trainOut.count),
              stats.std(trainOut.count),
              resized,
              List.copyOf(skipped));
      TensorCache.writeManifest(outDir, manifest);
      progress.accept(1.0);
      return manifest;
    } finally {
      pool.shutdownNow();
    }
  }

  private void headerOf(
      ImagePixels d,
      byte[] bytes,
      ZipEntry entry,
      ImagePixels.Header[] headers,
      int i,
      List<SkippedFile> skipped,
      AtomicInteger skippedCount) {
    try {
      ImagePixels.Header h = d.header(bytes);
      if (h.width() > limits.maxImageSide() || h.height() > limits.maxImageSide()) {
        SkippedFile.report(
            skipped,
            entry.getName(),
            "declares "
                + h.width()
                + "x"
                + h.height()
                + " pixels, more than maxImageSide "
                + limits.maxImageSide());
        skippedCount.incrementAndGet();
        return;
      }
      headers[i] = h;
    } catch (ImagePixels.BadImageException e) {
      SkippedFile.report(skipped, entry.getName(), e.getMessage());
      skippedCount.incrementAndGet();
    }
  }

  /** The output geometry: the most common train size; 1 channel only if every image is gray. */
  record Target(int channels, int height, int width) {
    long imageBytes() {
      return (long) channels * height * width;
    }
  }

  private Target chooseTarget(ZipPlan plan, ImagePixels.Header[] headers, int nTrain) {
    Map<Long, Integer> votes = new HashMap<>();
    boolean allGray = true;
    for (int i = 0; i < headers.length; i++) {
      ImagePixels.Header h = headers[i];
      if (h == null) {
        continue;
      }
      allGray &= h.gray();
      if (i < nTrain) {
        votes.merge(((long) h.height() << 32) | h.width(), 1, Integer::sum);
      }
    }
    if (votes.isEmpty()) {
      throw ApiException.invalid(FIELD, "holds no readable JPEG or PNG train images");
    }
    long best = votes.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
    Target target = new Target(allGray ? 1 : 3, (int) (best >>> 32), (int) best);
    long most = Math.max(nTrain, headers.length - nTrain) * target.imageBytes();
    if (most > Integer.MAX_VALUE - 64) {
      throw ApiException.overLimit(
          FIELD,
          "decodes to "
              + most
              + " bytes in one split; the tensor cache holds at most 2 GiB per split");
    }
    return target;
  }

  private static void requireEveryClass(
      ZipPlan plan, ImagePixels.Header[] headers, int nTrain, String problem) {
    boolean[] seen = new boolean[plan.classes.size()];
    for (int i = 0; i < nTrain; i++) {
      if (headers[i] != null) {
        seen[plan.train.get(i).label()] = true;
      }
    }
    for (int c = 0; c < seen.length; c++) {
      if (!seen[c]) {
        throw ApiException.invalid(
            FIELD, "class folder '" + plan.classes.get(c) + "' has " + problem);
      }
    }
  }

  /**
   * Inflates one entry into an array of its declared size, or returns null (without inflating
   * anything) when that size is over {@link IngestLimits#maxImageBytes()}: such an entry cannot be
   * an image the ingest accepts. An entry that inflates to more than its declared size, or more
   * than {@code maxCompressionRatio} times its compressed size, is a lying or hostile archive: 400.
   * Memory per call is therefore at most {@code maxImageBytes}, whatever the zip holds.
   */
  byte[] readEntry(ZipFile zip, ZipEntry entry) throws IOException {
    long size = entry.getSize();
    if (size < 0) {
      throw ApiException.invalid(
          FIELD, "entry '" + entry.getName() + "' declares no uncompressed size");
    }
    if (size > limits.maxImageBytes()) {
      return null;
    }
    long cap =
        Math.max(
            (long) limits.maxCompressionRatio() * Math.max(0, entry.getCompressedSize()),
            RATIO_FLOOR_BYTES);
    if (size > cap) {
      throw ApiException.overLimit(
          FIELD,
          "entry '"
              + entry.getName()
              + "' expands more than "
              + limits.maxCompressionRatio()
              + "x its compressed size (maxCompressionRatio): refusing a zip bomb");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] bytes = new byte[(int) size];
      int n = in.readNBytes(bytes, 0, bytes.length);
      if (n != size) {
        throw ApiException.invalid(
            FIELD, "entry '" + entry.getName() + "' is corrupt: " + n + " of " + size + " bytes");
      }
      if (in.read() >= 0) {
        throw ApiException.invalid(
            FIELD,
            "entry '"
                + entry.getName()
                + "' inflates to more than the "
                + size
                + " bytes its header declares: refusing a lying archive");
      }
      return bytes;
    } catch (ZipException e) {
      throw ApiException.invalid(
          FIELD, "entry '" + entry.getName() + "' is corrupt: " + e.getMessage());
    }
  }
}
