package io.kernelwise.datasets;

import io.kernelwise.system.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Turns an image-folder zip into a tensor cache. Three passes, none of which holds the archive in
 * memory:
 *
 * <ol>
 *   <li>{@link #plan}: the central directory only: entry count, names (no traversal, no absolute
 *       paths), declared sizes, layout ({@code <class>/<img>} or {@code train|test/<class>/<img>},
 *       one wrapper folder stripped), class count;
 *   <li>header pass (parallel): inflates every image entry counting the bytes really produced
 *       (ratio and total size limits hold even when headers lie) and reads format and dimensions
 *       from the image header without decoding, so an image claiming a huge size is never decoded;
 *   <li>decode pass (parallel): decodes each image once at the majority size (others are resized
 *       bilinearly), writes uint8 CHW pixels at their slot of {@code train.u8}/{@code test.u8} and
 *       sums per-channel statistics.
 * </ol>
 *
 * Files that are not decodable JPEG/PNG images, or whose sides exceed {@code maxImageSide}, are
 * skipped and listed in the manifest; hostile archives are refused with a 400.
 */
final class ZipIngest {
  static final String FIELD = "file";
  private static final Set<String> TRAIN = Set.of("train", "training");
  private static final Set<String> TEST = Set.of("test", "testing", "val", "valid", "validation");
  private static final long RATIO_FLOOR_BYTES = 1 << 20;
  private static final int MAX_REPORTED = 1000;
  private static final int CHUNK = 256;

  private final IngestLimits limits;
  private final int threads;

  ZipIngest(IngestLimits limits, int threads) {
    this.limits = limits;
    this.threads = Math.max(1, threads);
  }

  // ---- pass 1: the central directory ----------------------------------------------------------

  /** Checks the archive's structure; the caller closes the plan. Throws 400 on any problem. */
  ZipPlan plan(Path zipFile) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(zipFile.toFile());
    } catch (ZipException e) {
      throw ApiException.invalid(FIELD, "is not a readable zip archive (" + e.getMessage() + ")");
    }
    try {
      ZipPlan plan = layout(zip);
      zip = null; // owned by the plan now
      return plan;
    } finally {
      if (zip != null) {
        zip.close();
      }
    }
  }

  private record File(ZipEntry entry, List<String> segments) {}

  private ZipPlan layout(ZipFile zip) {
    List<File> files = new ArrayList<>();
    List<SkippedFile> ignored = new ArrayList<>();
    long declared = 0;
    int entries = 0;
    Enumeration<? extends ZipEntry> all;
    try {
      all = zip.entries();
    } catch (IllegalStateException e) {
      throw ApiException.invalid(FIELD, "is not a readable zip archive");
    }
    while (all.hasMoreElements()) {
      ZipEntry entry = all.nextElement();
      if (++entries > limits.maxEntries()) {
        throw ApiException.overLimit(
            FIELD, "has more than " + limits.maxEntries() + " entries (maxEntries)");
      }
      List<String> segments = safeSegments(entry.getName());
      if (entry.isDirectory() || isJunk(segments)) {
        continue;
      }
      declared += Math.max(0, entry.getSize());
      if (declared > limits.maxUncompressedBytes()) {
        throw ApiException.overLimit(
            FIELD, "declares more than " + limits.maxUncompressedBytes() + " uncompressed bytes");
      }
      files.add(new File(entry, segments));
    }
    if (files.isEmpty()) {
      throw ApiException.invalid(FIELD, "the zip archive holds no files");
    }
    files = stripWrapper(files);
    boolean split = files.stream().anyMatch(f -> TRAIN.contains(lower(f.segments.get(0))));
    Map<String, List<File>> train = new HashMap<>();
    Map<String, List<File>> test = new HashMap<>();
    for (File f : files) {
      List<String> s = f.segments;
      String name = f.entry.getName();
      Map<String, List<File>> target = train;
      int classAt = 0;
      if (split) {
        String top = lower(s.get(0));
        if (TEST.contains(top)) {
          target = test;
        } else if (!TRAIN.contains(top)) {
          report(ignored, name, "outside the train/ and test/ folders");
          continue;
        }
        classAt = 1;
      }
      if (s.size() < classAt + 2) {
        report(ignored, name, "not inside a class folder");
        continue;
      }
      if (!isImageName(s.get(s.size() - 1))) {
        report(ignored, name, "not a .jpg, .jpeg or .png file");
        continue;
      }
      target.computeIfAbsent(s.get(classAt), k -> new ArrayList<>()).add(f);
    }
    List<String> classes = new ArrayList<>(new TreeSet<>(train.keySet()));
    if (classes.isEmpty()) {
      throw ApiException.invalid(
          FIELD,
          "has no class folders with images: expected <class>/<image>.jpg|png or"
              + " train/<class>/<image> and test/<class>/<image>");
    }
    if (classes.size() < 2) {
      throw ApiException.invalid(
          FIELD, "needs at least 2 class folders, found only '" + classes.get(0) + "'");
    }
    if (classes.size() > limits.maxClasses()) {
      throw ApiException.overLimit(
          FIELD,
          "has "
              + classes.size()
              + " class folders, more than "
              + limits.maxClasses()
              + " (maxClasses)");
    }
    for (String c : new TreeSet<>(test.keySet())) {
      if (!train.containsKey(c)) {
        throw ApiException.invalid(
            FIELD, "test class folder '" + c + "' has no matching train folder");
      }
    }
    return new ZipPlan(zip, classes, items(train, classes), items(test, classes), ignored);
  }

  private static List<ZipPlan.Item> items(Map<String, List<File>> byClass, List<String> classes) {
    List<ZipPlan.Item> items = new ArrayList<>();
    for (int label = 0; label < classes.size(); label++) {
      List<File> files = new ArrayList<>(byClass.getOrDefault(classes.get(label), List.of()));
      files.sort((a, b) -> a.entry.getName().compareTo(b.entry.getName()));
      for (File f : files) {
        items.add(new ZipPlan.Item(f.entry, label));
      }
    }
    return items;
  }

  /** A single top-level folder wrapping everything ({@code cifar10/train/...}) is not a class. */
  private static List<File> stripWrapper(List<File> files) {
    String first = files.get(0).segments.get(0);
    boolean wrapped =
        !TRAIN.contains(lower(first))
            && !TEST.contains(lower(first))
            && files.stream()
                .allMatch(f -> f.segments.size() >= 3 && f.segments.get(0).equals(first));
    if (!wrapped) {
      return files;
    }
    return files.stream()
        .map(f -> new File(f.entry, f.segments.subList(1, f.segments.size())))
        .toList();
  }

  /** Path segments of an entry name; traversal and absolute names are refused, not cleaned. */
  static List<String> safeSegments(String name) {
    if (name.indexOf('\0') >= 0) {
      throw ApiException.invalid(FIELD, "entry name contains a NUL character");
    }
    String n = name.replace('\\', '/');
    boolean drive = n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0));
    if (n.startsWith("/") || drive) {
      throw ApiException.invalid(
          FIELD, "entry '" + name + "' has an absolute path; entries must be relative");
    }
    List<String> segments = new ArrayList<>();
    for (String s : n.split("/")) {
      if (s.equals("..")) {
        throw ApiException.invalid(
            FIELD, "entry '" + name + "' tries to leave the archive (path traversal)");
      }
      if (!s.isEmpty() && !s.equals(".")) {
        segments.add(s);
      }
    }
    if (segments.isEmpty()) {
      throw ApiException.invalid(FIELD, "entry '" + name + "' has an empty name");
    }
    return segments;
  }

  private static boolean isJunk(List<String> segments) {
    for (String s : segments) {
      if (s.startsWith(".") || s.equals("__MACOSX")) {
        return true;
      }
    }
    String last = lower(segments.get(segments.size() - 1));
    return last.equals("thumbs.db") || last.equals("desktop.ini");
  }

  private static boolean isImageName(String file) {
    String f = lower(file);
    return f.endsWith(".jpg") || f.endsWith(".jpeg") || f.endsWith(".png");
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static void report(List<SkippedFile> report, String file, String reason) {
    synchronized (report) {
      if (report.size() < MAX_REPORTED) {
        report.add(new SkippedFile(file, reason));
      }
    }
  }

  // ---- passes 2 and 3: headers, then pixels ----------------------------------------------------

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
    int[] sizes = new int[n];
    List<SkippedFile> skipped = new ArrayList<>(plan.ignored);
    AtomicInteger skippedCount = new AtomicInteger(plan.ignored.size());
    AtomicLong inflated = new AtomicLong();
    Progress tracker = new Progress(progress, 2L * n);

    ExecutorService pool = Executors.newFixedThreadPool(threads, daemon("ingest"));
    try {
      parallel(
          pool,
          n,
          ImagePixels::new,
          (decoder, i) -> {
            ZipEntry entry = items.get(i).entry();
            byte[] bytes = readEntry(plan.zip, entry, inflated);
            sizes[i] = bytes.length;
            headerOf(decoder, bytes, entry, headers, i, skipped, skippedCount);
            tracker.step();
          });
      Target target = chooseTarget(plan, headers, nTrain);
      requireEveryClass(plan, headers, nTrain, "no readable train images");

      SplitWriter trainOut = new SplitWriter(outDir, "train", headers, 0, nTrain, target);
      SplitWriter testOut = new SplitWriter(outDir, "test", headers, nTrain, n, target);
      Stats stats = new Stats(target.channels, target.height * target.width);
      try (trainOut;
          testOut) {
        parallel(
            pool,
            n,
            ImagePixels::new,
            (decoder, i) -> {
              if (headers[i] != null) {
                ZipPlan.Item item = items.get(i);
                byte[] bytes = readExactly(plan.zip, item.entry(), sizes[i]);
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
                  report(skipped, item.entry().getName(), e.getMessage());
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
        report(
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
      report(skipped, entry.getName(), e.getMessage());
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

  /** Inflates one entry, counting the bytes really produced against the ratio and total limits. */
  byte[] readEntry(ZipFile zip, ZipEntry entry, AtomicLong inflated) throws IOException {
    long cap =
        Math.max(
            (long) limits.maxCompressionRatio() * Math.max(0, entry.getCompressedSize()),
            RATIO_FLOOR_BYTES);
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] buf = new byte[(int) Math.min(Math.max(entry.getSize(), 4096) + 1, 1 << 20)];
      int n = 0;
      while (true) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
        if (n > cap) {
          throw ApiException.overLimit(
              FIELD,
              "entry '"
                  + entry.getName()
                  + "' expands more than "
                  + limits.maxCompressionRatio()
                  + "x its compressed size (maxCompressionRatio): refusing a zip bomb");
        }
        if (inflated.addAndGet(r) > limits.maxUncompressedBytes()) {
          throw ApiException.overLimit(
              FIELD,
              "expands to more than "
                  + limits.maxUncompressedBytes()
                  + " bytes (maxUncompressedSize): refusing a zip bomb");
        }
      }
      return n == buf.length ? buf : Arrays.copyOf(buf, n);
    } catch (ZipException e) {
      throw ApiException.invalid(
          FIELD, "entry '" + entry.getName() + "' is corrupt: " + e.getMessage());
    }
  }

  private static byte[] readExactly(ZipFile zip, ZipEntry entry, int size) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] bytes = in.readNBytes(size);
      if (bytes.length != size || in.read() >= 0) {
        throw new IOException("entry " + entry.getName() + " changed while ingesting");
      }
      return bytes;
    }
  }

  // ---- plumbing --------------------------------------------------------------------------------

  @FunctionalInterface
  interface Work<D> {
    void run(D decoder, int index) throws Exception;
  }

  @FunctionalInterface
  interface Resource<D> {
    D open() throws Exception;
  }

  /** Runs {@code work} for every index on the pool, in chunks; the first failure aborts all. */
  private <D> void parallel(ExecutorService pool, int n, Resource<D> resource, Work<D> work)
      throws IOException {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(
          pool.submit(
              () -> {
                D decoder = resource.open();
                try {
                  for (int start = next.getAndAdd(CHUNK);
                      start < n;
                      start = next.getAndAdd(CHUNK)) {
                    for (int i = start; i < Math.min(n, start + CHUNK); i++) {
                      work.run(decoder, i);
                    }
                  }
                } catch (Exception | Error e) {
                  next.set(n); // stop the other workers at their next chunk
                  throw e;
                } finally {
                  if (decoder instanceof AutoCloseable c) {
                    c.close();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("ingest interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IOException(cause);
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Reports progress at most every 1/200th of the work. */
  private static final class Progress {
    private final DoubleConsumer sink;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final long every;

    Progress(DoubleConsumer sink, long total) {
      this.sink = sink;
      this.total = Math.max(1, total);
      this.every = Math.max(1, total / 200);
    }

    void step() {
      long d = done.incrementAndGet();
      if (d % every == 0) {
        sink.accept(Math.min(0.99, (double) d / total));
      }
    }
  }

  /** Per-channel sums of the train pixels, for mean and std on 0..1. */
  private static final class Stats {
    private final int channels;
    private final int plane;
    private final long[] sum;
    private final long[] sumSq;

    Stats(int channels, int plane) {
      this.channels = channels;
      this.plane = plane;
      this.sum = new long[channels];
      this.sumSq = new long[channels];
    }

    void add(byte[] chw) {
      long[] s = new long[channels];
      long[] q = new long[channels];
      for (int c = 0; c < channels; c++) {
        long a = 0;
        long b = 0;
        for (int i = c * plane, end = i + plane; i < end; i++) {
          int v = chw[i] & 0xFF;
          a += v;
          b += v * v;
        }
        s[c] = a;
        q[c] = b;
      }
      synchronized (this) {
        for (int c = 0; c < channels; c++) {
          sum[c] += s[c];
          sumSq[c] += q[c];
        }
      }
    }

    float[] mean(int images) {
      float[] m = new float[channels];
      double n = (double) images * plane * 255.0;
      for (int c = 0; c < channels; c++) {
        m[c] = (float) (sum[c] / n);
      }
      return m;
    }

    float[] std(int images) {
      float[] s = new float[channels];
      double n = (double) images * plane;
      for (int c = 0; c < channels; c++) {
        double mean = sum[c] / n / 255.0;
        double sq = sumSq[c] / n / (255.0 * 255.0);
        s[c] = (float) Math.sqrt(Math.max(0, sq - mean * mean));
      }
      return s;
    }
  }

  /**
   * Writes one split's pixels at fixed slots (so workers write concurrently without ordering), then
   * closes the gaps of images that failed to decode.
   */
  private static final class SplitWriter implements AutoCloseable {
    private final Path dir;
    private final String split;
    private final int from;
    private final int to;
    private final long imageBytes;
    private final FileChannel channel;
    private final int[] labels;
    int count;

    SplitWriter(
        Path dir, String split, ImagePixels.Header[] headers, int from, int to, Target target)
        throws IOException {
      this.dir = dir;
      this.split = split;
      this.from = from;
      this.to = to;
      this.imageBytes = target.imageBytes();
      this.channel = TensorCache.openForWrite(dir.resolve(split + ".u8"));
      this.labels = new int[to - from];
    }

    void write(int index, byte[] chw, int label) throws IOException {
      int slot = index - from;
      labels[slot] = label;
      ByteBuffer buffer = ByteBuffer.wrap(chw);
      long position = slot * imageBytes;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
    }

    /** Compacts away skipped slots (rare) and writes the labels. */
    void finish(ImagePixels.Header[] headers) throws IOException {
      int kept = 0;
      ByteBuffer buffer = ByteBuffer.allocate((int) imageBytes);
      for (int i = from; i < to; i++) {
        if (headers[i] == null) {
          continue;
        }
        int slot = i - from;
        if (slot != kept) {
          buffer.clear();
          long pos = slot * imageBytes;
          while (buffer.hasRemaining()) {
            int r = channel.read(buffer, pos + buffer.position());
            if (r < 0) {
              throw new IOException("short read in " + split + ".u8");
            }
          }
          buffer.flip();
          long out = kept * imageBytes;
          while (buffer.hasRemaining()) {
            out += channel.write(buffer, out);
          }
          labels[kept] = labels[slot];
        }
        kept++;
      }
      channel.truncate(kept * imageBytes);
      count = kept;
      TensorCache.writeLabels(dir.resolve(split + ".labels"), labels, kept);
    }

    int[] perClass(int classes) {
      int[] counts = new int[classes];
      for (int i = 0; i < count; i++) {
        counts[labels[i]]++;
      }
      return counts;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
