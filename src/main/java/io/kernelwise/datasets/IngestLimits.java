package io.kernelwise.datasets;

import io.kernelwise.system.KernelwiseProperties;

/** The limits one ingest enforces against hostile or oversized archives. */
record IngestLimits(
    int maxEntries,
    long maxUncompressedBytes,
    int maxCompressionRatio,
    int maxImageSide,
    int maxClasses) {

  static IngestLimits of(KernelwiseProperties.Datasets d) {
    return new IngestLimits(
        d.maxEntries(),
        d.maxUncompressedSize().toBytes(),
        d.maxCompressionRatio(),
        d.maxImageSide(),
        d.maxClasses());
  }
}
