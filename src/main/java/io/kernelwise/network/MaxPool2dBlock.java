package io.kernelwise.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * 2-D max pooling that, outside training, computes a non-overlapping pool (kernel = stride, no
 * padding) as the element-wise maximum of strided views instead of libtorch's {@code max_pool2d}:
 * on CPU that kernel (NCHW, {@code cpu_max_pool}) is a scalar loop that also tracks indices, and it
 * took more time than all four convolutions of seed-3x3 in a served forward pass; the strided
 * maximum is vectorized and 2x (batch 1) to 4-13x (batch 32) faster. The result is the same to the
 * bit (a maximum is exact, NaN propagates in both). Training keeps {@code max_pool2d}, whose
 * gradient goes to one element per window. Serialized exactly like DJL's own pooling block (a
 * {@link LambdaBlock}), so stored parameter files are unchanged.
 */
final class MaxPool2dBlock extends LambdaBlock {
  private final long kh;
  private final long kw;
  private final boolean nonOverlapping;

  MaxPool2dBlock(Shape kernel, Shape stride, Shape padding) {
    super(
        list -> new NDList(Pool.maxPool2d(list.singletonOrThrow(), kernel, stride, padding, false)),
        "maxPool2d");
    this.kh = kernel.get(0);
    this.kw = kernel.get(1);
    this.nonOverlapping =
        kernel.equals(stride) && padding.get(0) == 0 && padding.get(1) == 0 && kh > 0 && kw > 0;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (training || !nonOverlapping || x.getShape().dimension() != 4) {
      return super.forwardInternal(parameterStore, inputs, training, params);
    }
    long outH = x.getShape().get(2) / kh;
    long outW = x.getShape().get(3) / kw;
    if (outH < 1 || outW < 1) {
      return super.forwardInternal(parameterStore, inputs, training, params);
    }
    // rows first: its maximum runs over contiguous rows (vectorized) on the larger tensor
    NDArray rows = stridedMax(x, 2, kh, outH);
    return new NDList(stridedMax(rows, 3, kw, outW));
  }

  /** max over i < k of x[..., i : i + k * (out - 1) + 1 : k, ...] along {@code axis}. */
  private static NDArray stridedMax(NDArray x, int axis, long k, long out) {
    NDArray max = null;
    for (long i = 0; i < k; i++) {
      NDIndex index = new NDIndex().addAllDim(axis).addSliceDim(i, i + k * (out - 1) + 1, k);
      NDArray view = x.get(index);
      max = max == null ? view : max.maximum(view);
    }
    return max;
  }
}
