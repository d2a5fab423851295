package io.kernelwise.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import io.kernelwise.TestImages;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.SpecParser;
import io.kernelwise.network.NetworkFactory;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds real models for serving tests without the training engine: the seed-3x3 preset is built
 * with the {@link NetworkFactory}, Xavier-initialized, saved with {@code Block#saveParameters} and
 * registered through {@link ModelRegistry}; plus CIFAR-10 mini images.
 */
public final class ServingFixtures {
  public static final Path CIFAR_MINI = TestImages.fixture();
  public static final List<String> CIFAR_CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
  public static final float[] CIFAR_MEAN = {0.4914f, 0.4822f, 0.4465f};
  public static final float[] CIFAR_STD = {0.2470f, 0.2435f, 0.2616f};

  private ServingFixtures() {}

  /** A fresh data directory (database and model store) for one Spring context. */
  public static String newDataDir() {
    try {
      Path dir = Files.createTempDirectory("kernelwise-serving-test");
      dir.toFile().deleteOnExit();
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String seedSpecJson() {
    return TestImages.preset("seed-3x3");
  }

  /** A randomly initialized network for the spec, saved as DJL block parameters. */
  public static Path parameters(NetworkFactory networks, String specJson, Path dir, long seed)
      throws IOException {
    ArchitectureSpec spec = new SpecParser(8).parse(JsonMapper.shared().readTree(specJson), "");
    Block block = networks.build(spec);
    Path file = dir.resolve("params-" + UUID.randomUUID());
    try (NDManager manager = NDManager.newBaseManager()) {
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) seed);
      block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
      var in = spec.input();
      block.initialize(
          manager, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
      try (OutputStream out = Files.newOutputStream(file)) {
        block.saveParameters(new DataOutputStream(out));
      }
    }
    return file;
  }

  /** Registers a seed-3x3 CIFAR-10 model (random weights) and returns its id. */
  public static String registerSeedModel(ModelRegistry registry, NetworkFactory networks, Path tmp)
      throws IOException {
    String spec = seedSpecJson();
    return registry.register(
        new NewModel(
            "seed-3x3 test model",
            "arch-test",
            "cifar10-mini",
            "job-test",
            spec,
            CIFAR_CLASSES,
            3,
            32,
            32,
            CIFAR_MEAN,
            CIFAR_STD,
            Map.of("testAccuracy", 0.1),
            parameters(networks, spec, tmp, 42)));
  }

  /** A labelled JPEG from the fixture's test split. */
  public record Image(String label, String name, byte[] bytes) {}

  public static List<Image> cifarTestImages(int count) throws IOException {
    List<Image> images = new ArrayList<>();
    try (ZipFile zip = new ZipFile(CIFAR_MINI.toFile())) {
      for (ZipEntry e : zip.stream().toList()) {
        String[] parts = e.getName().split("/");
        if (!e.isDirectory() && parts.length == 3 && parts[0].equals("test")) {
          try (InputStream in = zip.getInputStream(e)) {
            images.add(new Image(parts[1], parts[2], in.readAllBytes()));
          }
          if (images.size() == count) {
            break;
          }
        }
      }
    }
    return images;
  }
}
