package io.kernelwise.dashboard;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** A tiny CIFAR-shaped image-folder zip (10 classes of 32x32 RGB), made in the test. */
final class TinyImages {
  static final List<String> CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
  static final int TRAIN_PER_CLASS = 8;
  static final int TEST_PER_CLASS = 2;

  private TinyImages() {}

  /**
   * train/ and test/ splits; each class has its own hue plus noise, so there is something to learn.
   */
  static Path datasetZip(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int c = 0; c < CLASSES.size(); c++) {
        for (int i = 0; i < TRAIN_PER_CLASS + TEST_PER_CLASS; i++) {
          String split = i < TRAIN_PER_CLASS ? "train" : "test";
          zip.putNextEntry(new ZipEntry(split + "/" + CLASSES.get(c) + "/" + i + ".png"));
          zip.write(bytes(c, 1000L * c + i));
          zip.closeEntry();
        }
      }
    }
    return file;
  }

  static Path png(Path file, int classIndex) throws IOException {
    return Files.write(file, bytes(classIndex, 99));
  }

  private static byte[] bytes(int classIndex, long seed) throws IOException {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    float hue = classIndex / (float) CLASSES.size();
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        float brightness = 0.55f + 0.4f * random.nextFloat();
        image.setRGB(x, y, java.awt.Color.HSBtoRGB(hue, 0.8f, brightness));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
