package io.kernelwise;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * An image-folder dataset made on the spot (no files needed): {@code train/<class>/} and {@code
 * test/<class>/} PNGs whose classes differ by their dominant colour plus noise, learnable in an
 * epoch or two; and a small architecture for them.
 */
public final class GeneratedImages {
  static final String[] CLASSES = {"red", "green", "blue"};

  private GeneratedImages() {}

  /** A zip with {@code perClass} training and {@code perClass / 4} test images per class. */
  public static byte[] zip(int side, int perClass, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String split : new String[] {"train", "test"}) {
        int n = split.equals("train") ? perClass : Math.max(2, perClass / 4);
        for (int c = 0; c < CLASSES.length; c++) {
          for (int i = 0; i < n; i++) {
            zip.putNextEntry(new ZipEntry(split + "/" + CLASSES[c] + "/" + i + ".png"));
            zip.write(png(side, c, rng));
            zip.closeEntry();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** One PNG of class {@code c} (0 red, 1 green, 2 blue). */
  public static byte[] png(int side, int c, SplittableRandom rng) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int[] rgb = {rng.nextInt(90), rng.nextInt(90), rng.nextInt(90)};
        rgb[c] = 150 + rng.nextInt(106);
        image.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A small convnet for {@code side x side} RGB images of the three classes. */
  public static String spec(int side) {
    return """
        {"name":"tiny-%d","input":{"channels":3,"height":%d,"width":%d},"classes":3,
         "layers":[{"type":"conv","filters":16,"kernel":3,"activation":"relu"},
                   {"type":"maxPool","size":2},
                   {"type":"conv","filters":16,"kernel":3,"activation":"relu"},
                   {"type":"maxPool","size":2},
                   {"type":"flatten"},{"type":"dense","units":3}]}"""
        .formatted(side, side, side);
  }
}
