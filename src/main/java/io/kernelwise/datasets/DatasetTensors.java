package io.kernelwise.datasets;

/** What training reads: the decoded tensors of a dataset. */
public interface DatasetTensors {
  /**
   * Loads a READY dataset's cached tensors. Throws {@code ApiException} 404 for an unknown id and
   * 409 for a dataset that is not READY (ingesting, failed, or a built-in that is not available).
   */
  LoadedDataset load(String datasetId);

  /**
   * A READY dataset's classes and image shape, with the same 404/409 as {@link #load}. Meant to be
   * cheap: validating a request should not read hundreds of megabytes of pixels.
   */
  default DatasetShape describe(String datasetId) {
    LoadedDataset d = load(datasetId);
    return new DatasetShape(
        d.id(),
        d.classes(),
        d.channels(),
        d.height(),
        d.width(),
        d.train() == null ? 0 : d.train().count(),
        d.test() != null);
  }
}
