package io.kernelwise;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Images for tests, independent of what lies beside the clone: {@link #fixture()} is {@code
 * src/test/resources/datasets/cifar10-fixture.zip}, a 500-image subset of {@code
 * ../shared/datasets/cifar10-mini.zip} (the first 40 train and 10 test JPEGs of each of the 10
 * classes, about 0.5 MB). {@link #realMini()} is the full mini set, for optional checks that skip
 * with {@link #NO_REAL_MINI} when it is absent.
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

  /** The fixture zip as a file (test resources are plain files under target/test-classes). */
  public static Path fixture() {
    try {
      return Path.of(TestImages.class.getResource("/datasets/cifar10-fixture.zip").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
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
