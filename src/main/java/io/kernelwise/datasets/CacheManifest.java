package io.kernelwise.datasets;

import java.util.List;

/**
 * {@code dataset.json} of a tensor cache directory: what the {@code *.u8} and {@code *.labels}
 * files beside it hold. Pixels are uint8 NCHW, labels int32 little-endian; mean/std are per channel
 * on the 0..1 scale over the train split.
 */
record CacheManifest(
    int version,
    List<String> classes,
    int channels,
    int height,
    int width,
    int trainCount,
    int testCount,
    int[] trainPerClass,
    int[] testPerClass,
    float[] mean,
    float[] std,
    int resized,
    List<SkippedFile> skipped) {

  static final int VERSION = 1;

  boolean hasTest() {
    return testCount > 0;
  }

  long imageBytes() {
    return (long) channels * height * width;
  }
}
