package io.kernelwise.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The built-in datasets and the standard files they are converted from, found under {@code
 * <dataDir>/builtin/<id>/}: CIFAR-10's binary batches (or an image-folder {@code cifar10.zip}),
 * MNIST's and Fashion-MNIST's idx files (plain or {@code .gz}).
 */
enum BuiltinDataset {
  CIFAR10(
      "cifar10",
      "cifar10",
      "CIFAR-10",
      List.of(
          "airplane",
          "automobile",
          "bird",
          "cat",
          "deer",
          "dog",
          "frog",
          "horse",
          "ship",
          "truck")),
  MNIST("mnist", "mnist", "MNIST", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
  FASHION_MNIST(
      "fashion-mnist",
      "fashmnist",
      "Fashion-MNIST",
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot"));

  private static final List<String> CIFAR_BATCHES =
      List.of(
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin",
          "test_batch.bin");
  private static final List<String> IDX_FILES =
      List.of(
          "train-images-idx3-ubyte",
          "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte",
          "t10k-labels-idx1-ubyte");

  final String id;
  final String djlArtifact;
  final String title;
  final List<String> classes;

  BuiltinDataset(String id, String djlArtifact, String title, List<String> classes) {
    this.id = id;
    this.djlArtifact = djlArtifact;
    this.title = title;
    this.classes = classes;
  }

  static Optional<BuiltinDataset> byId(String id) {
    for (BuiltinDataset b : values()) {
      if (b.id.equals(id)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** Where this built-in's source files go. */
  Path sourceDir(Path dataDir) {
    return dataDir.resolve("builtin").resolve(id);
  }

  boolean available(Path dataDir) {
    Path dir = sourceDir(dataDir);
    if (this == CIFAR10) {
      return cifarBatchDir(dir).isPresent() || Files.isRegularFile(dir.resolve("cifar10.zip"));
    }
    return IDX_FILES.stream().allMatch(f -> idxFile(dir, f).isPresent());
  }

  /** What a person has to do to make this built-in available, naming every file and folder. */
  String missingFilesMessage(Path dataDir, boolean offline) {
    // shown relative to the data directory: a client has no business with this machine's paths
    String dir = "<data-dir>/builtin/" + id;
    String why =
        offline
            ? " and this service is offline (kernelwise.djl.offline=true)"
            : " and could not be downloaded through DJL";
    if (this == CIFAR10) {
      return "built-in dataset 'cifar10' is not available"
          + why
          + ": put "
          + String.join(", ", CIFAR_BATCHES)
          + " (the cifar-10-batches-bin folder of cifar-10-binary.tar.gz) into "
          + dir
          + "/cifar-10-batches-bin/, or an image-folder zip (train/<class>/*.jpg,"
          + " test/<class>/*.jpg) at "
          + dir
          + "/cifar10.zip";
    }
    List<String> missing = new ArrayList<>();
    for (String f : IDX_FILES) {
      if (idxFile(sourceDir(dataDir), f).isEmpty()) {
        missing.add(f + "(.gz)");
      }
    }
    return "built-in dataset '"
        + id
        + "' is not available"
        + why
        + ": put "
        + String.join(", ", missing)
        + " into "
        + dir
        + "/";
  }

  /** Converts the standard files into a tensor cache in {@code out}. */
  CacheManifest convert(Path dataDir, Path out, ZipIngest zipIngest) throws IOException {
    Path dir = sourceDir(dataDir);
    if (this == CIFAR10) {
      Optional<Path> batches = cifarBatchDir(dir);
      if (batches.isEmpty()) {
        try (ZipPlan plan = zipIngest.plan(dir.resolve("cifar10.zip"))) {
          return zipIngest.ingest(plan, out, p -> {});
        }
      }
      List<byte[]> train = new ArrayList<>();
      for (Path batch : cifarTrainBatches(batches.get())) {
        train.add(Files.readAllBytes(batch));
      }
      byte[] test = Files.readAllBytes(batches.get().resolve("test_batch.bin"));
      return SplitBuilder.fromCifar(classes, train, test, out);
    }
    return SplitBuilder.fromIdx(
        classes,
        readIdx(dir, "train-images-idx3-ubyte", 0x803),
        readIdx(dir, "train-labels-idx1-ubyte", 0x801),
        readIdx(dir, "t10k-images-idx3-ubyte", 0x803),
        readIdx(dir, "t10k-labels-idx1-ubyte", 0x801),
        out);
  }

  /** The folder holding the six standard batches, or DJL's {@code data_batch.bin} (all five). */
  private static Optional<Path> cifarBatchDir(Path dir) {
    for (Path candidate : List.of(dir.resolve("cifar-10-batches-bin"), dir)) {
      if (Files.isRegularFile(candidate.resolve("test_batch.bin"))
          && !cifarTrainBatches(candidate).isEmpty()) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static List<Path> cifarTrainBatches(Path dir) {
    List<Path> five = CIFAR_BATCHES.subList(0, 5).stream().map(dir::resolve).toList();
    if (five.stream().allMatch(Files::isRegularFile)) {
      return five;
    }
    Path combined = dir.resolve("data_batch.bin");
    return Files.isRegularFile(combined) ? List.of(combined) : List.of();
  }

  private static Optional<Path> idxFile(Path dir, String name) {
    for (Path p : List.of(dir.resolve(name), dir.resolve(name + ".gz"))) {
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** An idx file: its dimensions and its payload (uint8 data after the header). */
  record Idx(int[] dims, byte[] data) {}

  private static Idx readIdx(Path dir, String name, int magic) throws IOException {
    Path file =
        idxFile(dir, name).orElseThrow(() -> new IOException(name + " is missing in " + dir));
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try (DataInputStream in =
        new DataInputStream(
            file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
      int m = in.readInt();
      if (m != magic) {
        throw new IOException(file + " is not an idx file (magic " + Integer.toHexString(m) + ")");
      }
      int[] dims = new int[m & 0xFF];
      long size = 1;
      for (int i = 0; i < dims.length; i++) {
        dims[i] = in.readInt();
        size *= dims[i];
      }
      if (size > Integer.MAX_VALUE - 64 || size < 0) {
        throw new IOException(file + " declares " + size + " bytes");
      }
      byte[] data = new byte[(int) size];
      in.readFully(data);
      return new Idx(dims, data);
    }
  }
}
