package io.kernelwise.training;

import io.kernelwise.datasets.DatasetTensors;
import io.kernelwise.datasets.ImageSplit;
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.system.ApiException;
import java.util.stream.IntStream;

/** Test double: "mini" is READY (10 classes, 3x32x32), "busy" is still ingesting. */
class FakeDatasets implements DatasetTensors {
  static final String READY = "mini";

  @Override
  public LoadedDataset load(String datasetId) {
    if ("busy".equals(datasetId)) {
      throw ApiException.conflict("dataset 'busy' is INGESTING, not READY");
    }
    if (!READY.equals(datasetId)) {
      throw ApiException.notFound("dataset", datasetId);
    }
    int n = 4;
    ImageSplit split = new ImageSplit(n, new byte[n * 3 * 32 * 32], new int[n]);
    return new LoadedDataset(
        READY,
        "mini",
        IntStream.range(0, 10).mapToObj(i -> "c" + i).toList(),
        3,
        32,
        32,
        new float[] {0.5f, 0.5f, 0.5f},
        new float[] {0.25f, 0.25f, 0.25f},
        split,
        split);
  }
}
