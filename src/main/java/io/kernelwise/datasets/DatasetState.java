package io.kernelwise.datasets;

/**
 * Life of a dataset. Uploads go {@code INGESTING → READY | FAILED}. Built-ins are {@code READY}
 * once converted, {@code AVAILABLE} while their files are present but not yet converted (that
 * happens on first use), {@code MISSING} when their files are absent.
 */
public enum DatasetState {
  INGESTING,
  READY,
  FAILED,
  AVAILABLE,
  MISSING
}
