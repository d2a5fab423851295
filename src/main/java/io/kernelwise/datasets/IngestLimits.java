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

  /**
   * The largest file an accepted image can be: {@code maxImageSide} squared pixels at 8 bytes
   * (16-bit RGBA PNG, stored without compression), a filter byte per row, and 4 MiB of metadata
   * chunks. A larger zip entry cannot be an image the ingest keeps, so it is skipped unread.
   */
  long maxImageBytes() {
    long side = maxImageSide;
    return side * side * 8 + side + (4L << 20);
  }
}
