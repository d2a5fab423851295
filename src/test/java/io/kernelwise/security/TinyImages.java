package io.kernelwise.security;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** A two-class 8x8 image-folder zip (reddish vs bluish) that trains in seconds. */
final class TinyImages {
  static final String SPEC =
      """
      {"name":"tiny","input":{"channels":3,"height":8,"width":8},"classes":2,
       "layers":[{"type":"conv","filters":4,"kernel":3,"activation":"relu"},
                 {"type":"maxPool","size":2},{"type":"flatten"},{"type":"dense","units":2}]}""";

  private TinyImages() {}

  static byte[] png(boolean red, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        int hi = 160 + random.nextInt(96);
        int lo = random.nextInt(64);
        image.setRGB(x, y, (red ? new Color(hi, lo, lo) : new Color(lo, lo, hi)).getRGB());
      }
    }
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] zip() {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ZipOutputStream zip = new ZipOutputStream(bytes)) {
      long seed = 0;
      for (String split : new String[] {"train", "test"}) {
        for (String cls : new String[] {"red", "blue"}) {
          for (int i = 0; i < (split.equals("train") ? 16 : 4); i++) {
            zip.putNextEntry(new ZipEntry(split + "/" + cls + "/" + i + ".png"));
            zip.write(png(cls.equals("red"), seed++));
            zip.closeEntry();
          }
        }
      }
      zip.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
