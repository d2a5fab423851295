package io.kernelwise.datasets;

/** What training reads: the decoded tensors of a dataset. */
public interface DatasetTensors {
  /**
   * Loads a READY dataset's cached tensors. Throws {@code ApiException} 404 for an unknown id and
   * 409 for a dataset that is not READY (ingesting, failed, or a built-in that is not available).
   */
  LoadedDataset load(String datasetId);
}
