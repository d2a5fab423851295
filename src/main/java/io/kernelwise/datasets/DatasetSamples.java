package io.kernelwise.datasets;

import io.kernelwise.system.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A few images of a dataset, read back from its tensor cache as small PNGs (what the dashboard
 * shows beside the classes). Bounded: at most {@link #MAX_COUNT} images, read one at a time with
 * positional reads (never the whole split), each scaled down to at most {@link #MAX_SIDE} pixels.
 */
final class DatasetSamples {
  static final int MAX_COUNT = 32;
  static final int MAX_SIDE = 128;

  /** Where a READY dataset's cache lies and what it holds. */
  record Source(Path dir, CacheManifest manifest) {}

  @Schema(name = "DatasetSamples")
  record Samples(String datasetId, String split, List<Sample> samples) {}

  @Schema(name = "DatasetSample")
  record Sample(
      @Schema(description = "position of the image in its split") int index,
      int classIndex,
      @Schema(example = "cat") String label,
      @Schema(description = "of the PNG (scaled down to at most 128 px a side)") int width,
      int height,
      @Schema(description = "a data: URL of the PNG", example = "data:image/png;base64,iVBOR...")
          String image) {}

  private DatasetSamples() {}

  /**
   * {@code count} images of {@code split}, taken round-robin over the classes (the first image of
   * each class, then the second, ...), so that every class shows up when count allows.
   */
  static Samples read(String datasetId, Source source, String split, int count) {
    if (count < 1 || count > MAX_COUNT) {
      throw ApiException.invalid("count", "must be between 1 and " + MAX_COUNT);
    }
    CacheManifest m = source.manifest();
    int n;
    if ("train".equals(split)) {
      n = m.trainCount();
    } else if ("test".equals(split)) {
      n = m.testCount();
    } else {
      throw ApiException.invalid("split", "must be train or test, not '" + split + "'");
    }
    if (n == 0) {
      return new Samples(datasetId, split, List.of());
    }
    try {
      int[] labels = TensorCache.readLabels(source.dir().resolve(split + ".labels"), n);
      List<Integer> picked = roundRobin(labels, m.classes().size(), count);
      List<Sample> samples = new ArrayList<>(picked.size());
      long imageBytes = m.imageBytes();
      try (FileChannel pixels =
          FileChannel.open(source.dir().resolve(split + ".u8"), StandardOpenOption.READ)) {
        for (int index : picked) {
          ByteBuffer image = ByteBuffer.allocate((int) imageBytes);
          long at = index * imageBytes;
          while (image.hasRemaining()) {
            if (pixels.read(image, at + image.position()) < 0) {
              throw new IOException(split + ".u8 ends before image " + index);
            }
          }
          BufferedImage png = thumbnail(image.array(), m.channels(), m.height(), m.width());
          int label = labels[index];
          samples.add(
              new Sample(
                  index, label, m.classes().get(label), png.getWidth(), png.getHeight(), url(png)));
        }
      }
      return new Samples(datasetId, split, samples);
    } catch (IOException e) {
      throw ApiException.conflict(
          "the tensor cache of dataset '"
              + datasetId
              + "' is unreadable ("
              + e.getMessage()
              + "); delete it and upload again");
    }
  }

  static List<Integer> roundRobin(int[] labels, int classes, int count) {
    List<List<Integer>> byClass = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      int c = labels[i];
      if (c >= 0 && c < classes && byClass.get(c).size() < count) {
        byClass.get(c).add(i);
      }
    }
    List<Integer> picked = new ArrayList<>(count);
    for (int round = 0; round < count && picked.size() < count; round++) {
      boolean any = false;
      for (int c = 0; c < classes && picked.size() < count; c++) {
        if (round < byClass.get(c).size()) {
          picked.add(byClass.get(c).get(round));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return picked;
  }

  /** uint8 CHW (1 or 3 channels) to an image, scaled down to at most MAX_SIDE a side. */
  static BufferedImage thumbnail(byte[] chw, int channels, int height, int width) {
    int plane = height * width;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = y * width + x;
        int r = chw[p] & 0xFF;
        int g = channels == 3 ? chw[plane + p] & 0xFF : r;
        int b = channels == 3 ? chw[2 * plane + p] & 0xFF : r;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    int side = Math.max(width, height);
    if (side <= MAX_SIDE) {
      return image;
    }
    int w = Math.max(1, width * MAX_SIDE / side);
    int h = Math.max(1, height * MAX_SIDE / side);
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    return small;
  }

  private static String url(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
