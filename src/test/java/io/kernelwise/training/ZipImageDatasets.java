package io.kernelwise.training;

import io.kernelwise.datasets.ImageSplit;
import io.kernelwise.datasets.LoadedDataset;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;

/**
 * Decodes a {@code train/<class>/*} + {@code test/<class>/*} zip of equally sized RGB images into a
 * {@link LoadedDataset}, for tests and the benchmark (the service's own ingest belongs to the
 * datasets feature).
 */
public final class ZipImageDatasets {
  private ZipImageDatasets() {}

  public static LoadedDataset load(Path zip, int threads) {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      List<ZipEntry> entries =
          Collections.list(file.entries()).stream()
              .filter(e -> !e.isDirectory())
              .map(ZipEntry.class::cast)
              .toList();
      TreeSet<String> classes = new TreeSet<>();
      for (ZipEntry e : entries) {
        classes.add(e.getName().split("/")[1]);
      }
      List<String> labels = new ArrayList<>(classes);
      ImageSplit train = split(file, entries, "train/", labels, threads);
      ImageSplit test = split(file, entries, "test/", labels, threads);
      int side = (int) Math.round(Math.sqrt(train.pixels().length / 3.0 / train.count()));
      float[][] stats = meanStd(train, side * side);
      return new LoadedDataset(
          zip.getFileName().toString(),
          "zip",
          labels,
          3,
          side,
          side,
          stats[0],
          stats[1],
          train,
          test);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ImageSplit split(
      ZipFile file, List<ZipEntry> all, String prefix, List<String> classes, int threads)
      throws IOException {
    List<ZipEntry> entries =
        all.stream()
            .filter(e -> e.getName().startsWith(prefix))
            .sorted((a, b) -> a.getName().compareTo(b.getName()))
            .toList();
    byte[][] raw = new byte[entries.size()][];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = file.getInputStream(entries.get(i)).readAllBytes();
    }
    BufferedImage first = ImageIO.read(new ByteArrayInputStream(raw[0]));
    int h = first.getHeight();
    int w = first.getWidth();
    int size = 3 * h * w;
    byte[] pixels = new byte[raw.length * size];
    int[] labels = new int[raw.length];
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      pool.submit(
              () ->
                  IntStream.range(0, raw.length)
                      .parallel()
                      .forEach(
                          i -> {
                            try {
                              BufferedImage img = ImageIO.read(new ByteArrayInputStream(raw[i]));
                              int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
                              int base = i * size;
                              for (int p = 0; p < h * w; p++) {
                                pixels[base + p] = (byte) (rgb[p] >> 16);
                                pixels[base + h * w + p] = (byte) (rgb[p] >> 8);
                                pixels[base + 2 * h * w + p] = (byte) rgb[p];
                              }
                              labels[i] = classes.indexOf(entries.get(i).getName().split("/")[1]);
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          }))
          .join();
    } finally {
      pool.shutdown();
    }
    return new ImageSplit(raw.length, pixels, labels);
  }

  private static float[][] meanStd(ImageSplit split, int plane) {
    float[] mean = new float[3];
    float[] std = new float[3];
    for (int c = 0; c < 3; c++) {
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < split.count(); i++) {
        int base = (i * 3 + c) * plane;
        for (int p = 0; p < plane; p++) {
          int v = split.pixels()[base + p] & 0xff;
          sum += v;
          sq += (double) v * v;
        }
      }
      double n = (double) split.count() * plane;
      double m = sum / n;
      mean[c] = (float) (m / 255);
      std[c] = (float) (Math.sqrt(sq / n - m * m) / 255);
    }
    return new float[][] {mean, std};
  }
}
