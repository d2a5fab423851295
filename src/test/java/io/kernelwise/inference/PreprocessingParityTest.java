package io.kernelwise.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.datasets.IngestProbe;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Train/serve parity: for the same file, the pixels dataset ingest stores are exactly the pixels
 * inference feeds a model with the dataset's channels and size (before mean/std normalization).
 */
class PreprocessingParityTest {
  static final int SIZE = 16;
  @TempDir Path dir;
  private final ImageDecoder decoder = new ImageDecoder(20L << 20, 50_000_000L);

  static Stream<Arguments> files() throws IOException {
    return Stream.of(
        Arguments.of("rgb.jpg", rgbDataset(), encode(rgb(SIZE, SIZE, 1), "jpeg")),
        Arguments.of("rgb.png", rgbDataset(), encode(rgb(SIZE, SIZE, 2), "png")),
        Arguments.of("grey-in-rgb.png", rgbDataset(), encode(grey(SIZE, SIZE, 3), "png")),
        Arguments.of("grey.png", greyDataset(), encode(grey(SIZE, SIZE, 4), "png")),
        Arguments.of("grey.jpg", greyDataset(), encode(grey(SIZE, SIZE, 5), "jpeg")),
        Arguments.of("rgba.png", rgbDataset(), encode(rgba(SIZE, SIZE, 6), "png")),
        Arguments.of("palette.png", rgbDataset(), encode(palette(SIZE, SIZE, 7), "png")),
        Arguments.of("grey16.png", greyDataset(), encode(grey16(SIZE, SIZE, 8), "png")),
        Arguments.of("grey16-in-rgb.png", rgbDataset(), encode(grey16(SIZE, SIZE, 9), "png")),
        Arguments.of("resized-rgb.jpg", rgbDataset(), encode(rgb(24, 20, 10), "jpeg")),
        Arguments.of("resized-rgb.png", rgbDataset(), encode(rgb(9, 11, 11), "png")),
        Arguments.of("resized-grey.png", greyDataset(), encode(grey(24, 20, 12), "png")),
        Arguments.of("resized-rgba.png", rgbDataset(), encode(rgba(24, 20, 13), "png")),
        Arguments.of("resized-palette.png", rgbDataset(), encode(palette(20, 24, 14), "png")),
        Arguments.of("resized-grey16.png", greyDataset(), encode(grey16(24, 20, 15), "png")),
        Arguments.of("resized-grey-in-rgb.png", rgbDataset(), encode(grey(24, 20, 16), "png")),
        Arguments.of("grey-alpha.png", greyDataset(), encode(greyAlpha(SIZE, SIZE, 17), "png")),
        Arguments.of(
            "resized-grey-alpha.png", greyDataset(), encode(greyAlpha(20, 24, 18), "png")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void inferenceFeedsThePixelsIngestStored(String name, byte[][] dataset, byte[] file)
      throws Exception {
    IngestProbe.Stored stored = IngestProbe.ingestLast(dir, dataset, name, file);
    byte[] served = inferencePixels(file, stored.channels(), stored.height(), stored.width());
    assertThat(served).as(name).hasSameSizeAs(stored.pixels());
    int differing = 0;
    int worst = 0;
    for (int i = 0; i < served.length; i++) {
      int d = Math.abs((served[i] & 0xFF) - (stored.pixels()[i] & 0xFF));
      differing += d == 0 ? 0 : 1;
      worst = Math.max(worst, d);
    }
    assertThat(differing)
        .as("%s: values that differ (largest difference %d of 255)", name, worst)
        .isZero();
  }

  /** What inference feeds the model, before its mean/std normalization. */
  private byte[] inferencePixels(byte[] file, int channels, int height, int width) {
    return decoder.pixels(file, "file", channels, height, width);
  }

  private static byte[][] rgbDataset() throws IOException {
    return new byte[][] {encode(rgb(SIZE, SIZE, 100), "png"), encode(rgb(SIZE, SIZE, 101), "png")};
  }

  private static byte[][] greyDataset() throws IOException {
    return new byte[][] {
      encode(grey(SIZE, SIZE, 200), "png"), encode(grey(SIZE, SIZE, 201), "png")
    };
  }

  private static BufferedImage rgb(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  private static BufferedImage grey(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, r.nextInt(256));
      }
    }
    return img;
  }

  private static BufferedImage grey16(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, r.nextInt(65536));
      }
    }
    return img;
  }

  /** Grey plus alpha (PNG colour type 4), alpha from opaque to fully transparent. */
  private static BufferedImage greyAlpha(int w, int h, long seed) {
    var model =
        new java.awt.image.ComponentColorModel(
            java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY),
            true,
            false,
            java.awt.Transparency.TRANSLUCENT,
            java.awt.image.DataBuffer.TYPE_BYTE);
    BufferedImage img =
        new BufferedImage(model, model.createCompatibleWritableRaster(w, h), false, null);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, r.nextInt(256));
        img.getRaster().setSample(x, y, 1, r.nextInt(256));
      }
    }
    return img;
  }

  /** Colour with alpha from opaque to fully transparent. */
  private static BufferedImage rgba(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt());
      }
    }
    return img;
  }

  private static BufferedImage palette(int w, int h, long seed) {
    Random r = new Random(seed);
    byte[] red = new byte[16];
    byte[] green = new byte[16];
    byte[] blue = new byte[16];
    r.nextBytes(red);
    r.nextBytes(green);
    r.nextBytes(blue);
    BufferedImage img =
        new BufferedImage(
            w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(4, 16, red, green, blue));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, r.nextInt(16));
      }
    }
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }
}
