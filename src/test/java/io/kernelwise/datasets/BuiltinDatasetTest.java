package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built-in sources found on disk, without the web layer. */
class BuiltinDatasetTest {
  @TempDir Path dataDir;

  @Test
  void cifar10FromAnImageFolderZip() throws Exception {
    BuiltinDataset cifar = BuiltinDataset.CIFAR10;
    assertThat(cifar.available(dataDir)).isFalse();
    assertThat(cifar.missingFilesMessage(dataDir, true))
        .contains("data_batch_1.bin", "test_batch.bin", "cifar-10-batches-bin", "cifar10.zip")
        .contains("offline");
    Path source = Files.createDirectories(cifar.sourceDir(dataDir));
    Files.copy(DatasetApiTest.MINI, source.resolve("cifar10.zip"));
    assertThat(cifar.available(dataDir)).isTrue();

    Path out = Files.createDirectories(dataDir.resolve("out"));
    CacheManifest m =
        cifar.convert(
            dataDir, out, new ZipIngest(new IngestLimits(10_000, 1L << 30, 200, 64, 20), 2));
    assertThat(m.classes()).isEqualTo(DatasetApiTest.CIFAR_CLASSES);
    assertThat(m.trainCount()).isEqualTo(DatasetApiTest.TRAIN);
    assertThat(m.testCount()).isEqualTo(DatasetApiTest.TEST);
    assertThat(m.trainPerClass()).containsOnly(io.kernelwise.TestImages.TRAIN_PER_CLASS);
    assertThat(m.testPerClass()).containsOnly(io.kernelwise.TestImages.TEST_PER_CLASS);
    assertThat(TensorCache.exists(out)).isTrue();
    assertThat(Files.size(out.resolve("train.u8"))).isEqualTo(DatasetApiTest.TRAIN * 3L * 32 * 32);
    assertThat(Files.size(out.resolve("test.labels"))).isEqualTo(DatasetApiTest.TEST * 4L);
  }

  @Test
  void cifar10FromDjlsCombinedTrainBatch() throws Exception {
    Path dir =
        Files.createDirectories(
            BuiltinDataset.CIFAR10.sourceDir(dataDir).resolve("cifar-10-batches-bin"));
    byte[] train = new byte[7 * 3073];
    new java.util.Random(9).nextBytes(train);
    for (int i = 0; i < 7; i++) {
      train[i * 3073] = (byte) (i % 10);
    }
    Files.write(dir.resolve("data_batch.bin"), train);
    Files.write(dir.resolve("test_batch.bin"), java.util.Arrays.copyOf(train, 3073));
    assertThat(BuiltinDataset.CIFAR10.available(dataDir)).isTrue();
    Path out = Files.createDirectories(dataDir.resolve("out"));
    CacheManifest m = BuiltinDataset.CIFAR10.convert(dataDir, out, null);
    assertThat(m.trainCount()).isEqualTo(7);
    assertThat(m.testCount()).isEqualTo(1);
    assertThat(TensorCache.readLabels(out.resolve("train.labels"), 7))
        .containsExactly(0, 1, 2, 3, 4, 5, 6);
    byte[] pixels = Files.readAllBytes(out.resolve("train.u8"));
    assertThat(java.util.Arrays.copyOfRange(pixels, 6 * 3072, 7 * 3072))
        .isEqualTo(java.util.Arrays.copyOfRange(train, 6 * 3073 + 1, 7 * 3073));
  }

  @Test
  void mnistNamesEachMissingFile() throws Exception {
    Path source = Files.createDirectories(BuiltinDataset.MNIST.sourceDir(dataDir));
    Files.write(source.resolve("train-images-idx3-ubyte.gz"), new byte[] {1});
    Files.write(source.resolve("train-labels-idx1-ubyte"), new byte[] {1});
    String message = BuiltinDataset.MNIST.missingFilesMessage(dataDir, false);
    assertThat(message)
        .contains("t10k-images-idx3-ubyte(.gz)", "t10k-labels-idx1-ubyte(.gz)")
        .doesNotContain("train-images")
        .contains("<data-dir>/builtin/mnist/")
        // relative to the data directory: no path of the machine
        .doesNotContain(dataDir.toAbsolutePath().toString());
    assertThat(BuiltinDataset.MNIST.available(dataDir)).isFalse();
  }
}
