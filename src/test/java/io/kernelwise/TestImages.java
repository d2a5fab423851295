package io.kernelwise;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Images for tests, independent of what lies beside the clone: {@link #fixture()} is a CIFAR-shaped
 * image-folder zip generated once per test JVM (10 classes of 32x32 JPEGs, 40 train and 10 test
 * each; every class its own hue and a bright square at its own place, with per-pixel noise, so
 * there is something to learn). No CIFAR-10 images are committed: {@link #realMini()} is {@code
 * ../shared/datasets/cifar10-mini.zip}, for optional checks on real CIFAR that skip with {@link
 * #NO_REAL_MINI} when it is absent.
 */
public final class TestImages {
  public static final int TRAIN_PER_CLASS = 40;
  public static final int TEST_PER_CLASS = 10;
  public static final Path REAL_MINI = Path.of("../shared/datasets/cifar10-mini.zip");
  public static final String NO_REAL_MINI =
      REAL_MINI + " is not beside the clone: real-CIFAR check skipped";

  /** Where the presets live, so tests need no ../shared/bench/specs. */
  public static final String PRESETS = "/architecture/presets/";

  private TestImages() {}

  public static final List<String> CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  private static Path fixture;

  /** The generated fixture zip (made on first use, deleted when the JVM exits). */
  public static synchronized Path fixture() {
    if (fixture == null) {
      try {
        Path file = Files.createTempFile("kernelwise-cifar10-fixture", ".zip");
        file.toFile().deleteOnExit();
        fixture = writeFixture(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return fixture;
  }

  private static Path writeFixture(Path file) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (String split : List.of("train", "test")) {
        int count = split.equals("train") ? TRAIN_PER_CLASS : TEST_PER_CLASS;
        for (int c = 0; c < CLASSES.size(); c++) {
          for (int i = 0; i < count; i++) {
            zip.putNextEntry(new ZipEntry(split + "/" + CLASSES.get(c) + "/%04d.jpg".formatted(i)));
            zip.write(jpeg(c, new Random(split.hashCode() * 31L + 1000L * c + i)));
            zip.closeEntry();
          }
        }
      }
    }
    return file;
  }

  private static byte[] jpeg(int classIndex, Random random) throws IOException {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    float hue = classIndex / (float) CLASSES.size();
    int squareX = 4 + 6 * (classIndex % 4);
    int squareY = 4 + 8 * (classIndex / 4);
    // noise in 2x2 blocks, which JPEG keeps, so the channel statistics stay CIFAR-like (mean
    // about 0.4, std about 0.18) as the dataset tests expect of real images
    for (int y = 0; y < 32; y += 2) {
      for (int x = 0; x < 32; x += 2) {
        boolean square = x >= squareX && x < squareX + 8 && y >= squareY && y < squareY + 8;
        float brightness =
            square ? 0.6f + 0.4f * random.nextFloat() : 0.2f + 0.6f * random.nextFloat();
        int rgb = Color.HSBtoRGB(hue, 0.45f, brightness);
        image.setRGB(x, y, rgb);
        image.setRGB(x + 1, y, rgb);
        image.setRGB(x, y + 1, rgb);
        image.setRGB(x + 1, y + 1, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  public static byte[] fixtureBytes() {
    try {
      return Files.readAllBytes(fixture());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Optional<Path> realMini() {
    return Files.isRegularFile(REAL_MINI) ? Optional.of(REAL_MINI) : Optional.empty();
  }

  /** A preset's JSON, e.g. {@code preset("seed-3x3")}. */
  public static String preset(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream(PRESETS + name + ".json")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
