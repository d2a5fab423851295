package io.kernelwise.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * One split held on the training device as uint8 NCHW plus int64 labels, uploaded once. Batches are
 * gathered, augmented (on uint8, so crop padding is black as in torchvision) and normalized with
 * batched tensor ops: no per-image work in Java.
 */
final class DeviceImages implements AutoCloseable {
  private final NDArray images;
  private final NDArray labels;
  private final NDArray scale;
  private final NDArray shift;
  private final int count;
  private final int channels;
  private final int height;
  private final int width;

  /**
   * @param indices which images of {@code pixels} to keep, in order
   */
  DeviceImages(
      NDManager manager,
      byte[] pixels,
      int[] allLabels,
      int[] indices,
      int channels,
      int height,
      int width,
      float[] mean,
      float[] std) {
    this.count = indices.length;
    this.channels = channels;
    this.height = height;
    this.width = width;
    int size = channels * height * width;
    ByteBuffer buffer = ByteBuffer.allocateDirect(count * size);
    long[] selected = new long[count];
    for (int i = 0; i < count; i++) {
      buffer.put(pixels, indices[i] * size, size);
      selected[i] = allLabels[indices[i]];
    }
    buffer.flip();
    images = manager.create(buffer, new Shape(count, channels, height, width), DataType.UINT8);
    labels = manager.create(selected);
    // (x / 255 - mean) / std  ==  x * scale + shift, per channel
    float[] s = new float[channels];
    float[] b = new float[channels];
    for (int c = 0; c < channels; c++) {
      s[c] = 1f / (255f * std[c]);
      b[c] = -mean[c] / std[c];
    }
    scale = manager.create(s, new Shape(1, channels, 1, 1));
    shift = manager.create(b, new Shape(1, channels, 1, 1));
  }

  int count() {
    return count;
  }

  /** Images {@code [from, to)} of {@code order}: normalized float32 and their labels. */
  Batch batch(
      NDManager step, int[] order, int from, int to, Augment augment, SplittableRandom rng) {
    int n = to - from;
    long[] idx = new long[n];
    for (int i = 0; i < n; i++) {
      idx[i] = order[from + i];
    }
    NDArray index = step.create(idx);
    NDArray x = images.get(step, new NDIndex("{}", index));
    NDArray y = labels.get(step, new NDIndex("{}", index));
    if (augment.flip() || augment.cropPadding() > 0) {
      x = flipAndCrop(step, x, n, augment, rng);
    }
    return new Batch(x.toType(DataType.FLOAT32, false).mul(scale).add(shift), y, n);
  }

  /** Contiguous images {@code [from, to)} without augmentation, for evaluation. */
  Batch slice(NDManager step, int from, int to) {
    NDArray x = images.get(step, new NDIndex(from + ":" + to));
    NDArray y = labels.get(step, new NDIndex(from + ":" + to));
    return new Batch(x.toType(DataType.FLOAT32, false).mul(scale).add(shift), y, to - from);
  }

  /**
   * Random horizontal flip and random crop after zero padding by {@code p}, for the whole batch in
   * at most one pad and two gathers: rows {@code dy + i}, then columns {@code dx + j} (or {@code dx
   * + width - 1 - j} for a flipped image, the same as flipping the cropped window).
   */
  private NDArray flipAndCrop(
      NDManager step, NDArray x, int n, Augment augment, SplittableRandom rng) {
    int p = augment.cropPadding();
    long[] rows = new long[n * height];
    long[] cols = new long[n * width];
    for (int i = 0; i < n; i++) {
      int dy = p > 0 ? rng.nextInt(2 * p + 1) : 0;
      int dx = p > 0 ? rng.nextInt(2 * p + 1) : 0;
      boolean flip = augment.flip() && rng.nextBoolean();
      for (int r = 0; r < height; r++) {
        rows[i * height + r] = dy + r;
      }
      for (int c = 0; c < width; c++) {
        cols[i * width + c] = dx + (flip ? width - 1 - c : c);
      }
    }
    NDArray source = x;
    if (p > 0) {
      source =
          x.pad(new Shape(p, p, p, p), 0)
              .gather(
                  step.create(rows, new Shape(n, 1, height, 1))
                      .broadcast(new Shape(n, channels, height, width + 2 * p)),
                  2);
    }
    return source.gather(
        step.create(cols, new Shape(n, 1, 1, width))
            .broadcast(new Shape(n, channels, height, width)),
        3);
  }

  @Override
  public void close() {
    images.close();
    labels.close();
    scale.close();
    shift.close();
  }

  record Augment(boolean flip, int cropPadding) {}

  record Batch(NDArray x, NDArray y, int size) {}
}
