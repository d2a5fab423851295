package io.kernelwise.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times the ingest of an image-folder zip into a tensor cache, as {@code bench/ingest.sh} runs it:
 * {@code IngestBenchmark <zip> [threads]}. Prints seconds and images/s; the cache goes to a
 * temporary directory that is deleted afterwards.
 */
public final class IngestBenchmark {
  public static void main(String[] args) throws Exception {
    Path zip = Path.of(args.length > 0 ? args[0] : "../shared/datasets/cifar10.zip");
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    IngestLimits limits = new IngestLimits(200_000, 4L << 30, 200, 4096, 1000);
    ZipIngest ingest = new ZipIngest(limits, threads);
    for (int run = 1; run <= 2; run++) {
      Path out = Files.createTempDirectory("kw-ingest-bench");
      try {
        long start = System.nanoTime();
        CacheManifest m;
        try (ZipPlan plan = ingest.plan(zip)) {
          long planned = System.nanoTime();
          boolean[] half = {false};
          m =
              ingest.ingest(
                  plan,
                  out,
                  p -> {
                    if (!half[0] && p >= 0.5) {
                      half[0] = true;
                      System.out.printf(
                          "  plan %.2f s, header pass %.2f s%n",
                          (planned - start) / 1e9, (System.nanoTime() - planned) / 1e9);
                    }
                  });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int images = m.trainCount() + m.testCount();
        System.out.printf(
            "run %d: %s threads=%d images=%d (train %d, test %d) %dx%dx%d seconds=%.2f"
                + " images/s=%.0f mean=%s std=%s skipped=%d%n",
            run,
            zip.getFileName(),
            threads,
            images,
            m.trainCount(),
            m.testCount(),
            m.channels(),
            m.height(),
            m.width(),
            seconds,
            images / seconds,
            Arrays.toString(m.mean()),
            Arrays.toString(m.std()),
            m.skipped().size());
      } finally {
        TensorCache.deleteQuietly(out);
      }
    }
  }
}
