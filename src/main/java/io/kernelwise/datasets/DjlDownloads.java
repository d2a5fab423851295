package io.kernelwise.datasets;

import ai.djl.Application;
import ai.djl.basicdataset.BasicDatasets;
import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Fetches a built-in's standard files through DJL's basic-dataset repository, the way DJL's own
 * {@code Cifar10}/{@code Mnist}/{@code FashionMnist} do, and lays them out under {@code
 * <dataDir>/builtin/<id>/} as if a person had put them there. Only used when the service is online
 * ({@code kernelwise.djl.offline=false}); the repository itself refuses when {@code ai.djl.offline}
 * is true.
 */
final class DjlDownloads {
  private DjlDownloads() {}

  static void download(BuiltinDataset builtin, Path sourceDir) throws IOException {
    MRL mrl =
        BasicDatasets.REPOSITORY.dataset(
            Application.CV.ANY, BasicDatasets.GROUP_ID, builtin.djlArtifact, "1.0");
    Artifact artifact = mrl.getDefaultArtifact();
    if (artifact == null) {
      throw new IOException("DJL has no artifact " + builtin.djlArtifact);
    }
    mrl.prepare(artifact, null);
    Map<String, Artifact.Item> items = artifact.getFiles();
    Path tmp = sourceDir.resolveSibling(".download-" + builtin.id);
    TensorCache.deleteQuietly(tmp);
    Files.createDirectories(tmp);
    try {
      if (builtin == BuiltinDataset.CIFAR10) {
        Path dir = Files.createDirectories(tmp.resolve("cifar-10-batches-bin"));
        copy(mrl, items, "data_batch.bin", dir.resolve("data_batch.bin"));
        copy(mrl, items, "test_batch.bin", dir.resolve("test_batch.bin"));
      } else {
        copy(mrl, items, "train_data", tmp.resolve("train-images-idx3-ubyte"));
        copy(mrl, items, "train_labels", tmp.resolve("train-labels-idx1-ubyte"));
        copy(mrl, items, "test_data", tmp.resolve("t10k-images-idx3-ubyte"));
        copy(mrl, items, "test_labels", tmp.resolve("t10k-labels-idx1-ubyte"));
      }
      TensorCache.deleteQuietly(sourceDir);
      Files.createDirectories(sourceDir.getParent());
      TensorCache.publish(tmp, sourceDir);
    } finally {
      TensorCache.deleteQuietly(tmp);
    }
  }

  private static void copy(MRL mrl, Map<String, Artifact.Item> items, String key, Path target)
      throws IOException {
    Artifact.Item item = items.get(key);
    if (item == null) {
      throw new IOException("DJL's artifact has no '" + key + "' file");
    }
    try (InputStream in = mrl.getRepository().openStream(item, null)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
