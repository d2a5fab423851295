package io.kernelwise.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.function.UnaryOperator;

/** The loss the loop trains on, and the evaluation of a network on held-out images. */
final class Evaluation {
  // evaluation reuses the training batch shape: new shapes make libtorch/oneDNN allocate anew
  private static final int MAX_EVAL_BATCH = 256;

  private Evaluation() {}

  /** Mean loss and accuracy of an evaluation pass. */
  record Score(double loss, double accuracy) {}

  /**
   * Mean loss and accuracy in inference mode (BN running statistics, no dropout) in batches of at
   * most {@code batchSize}, with the test-time views of {@link #testTimeLogits}.
   */
  static Score evaluate(
      Block block,
      ParameterStore store,
      DeviceImages images,
      int batchSize,
      boolean testTimeFlip,
      int testTimeTranslate,
      NDManager manager) {
    try (NDManager eval = manager.newSubManager()) {
      NDArray lossSum = eval.zeros(new Shape(), DataType.FLOAT32);
      NDArray correct = eval.zeros(new Shape(), DataType.INT64);
      int size = Math.min(MAX_EVAL_BATCH, batchSize);
      for (int from = 0; from < images.count(); from += size) {
        int to = Math.min(images.count(), from + size);
        try (NDManager step = eval.newSubManager()) {
          DeviceImages.Batch batch = images.slice(step, from, to);
          NDArray logits =
              testTimeLogits(
                  x -> block.forward(store, new NDList(x), false).singletonOrThrow(),
                  batch.x(),
                  testTimeFlip,
                  testTimeTranslate);
          lossSum.addi(crossEntropy(logits, batch.y()).mul(batch.size()));
          correct.addi(logits.argMax(1).eq(batch.y()).sum());
        }
      }
      return new Score(
          lossSum.getFloat() / images.count(), (double) correct.getLong() / images.count());
    }
  }

  /**
   * The logits evaluation scores for a batch (N, C, H, W): the image's; with {@code flip} the mean
   * of the image's and its mirror image's; with {@code translate} d > 0 also those of the image
   * moved d pixels down-right and up-left, weighted as airbench's test-time augmentation: half on
   * the image, a quarter on each shift.
   */
  static NDArray testTimeLogits(
      UnaryOperator<NDArray> net, NDArray x, boolean flip, int translate) {
    NDArray logits = views(net, x, flip);
    if (translate == 0) {
      return logits;
    }
    NDArray shifted =
        views(net, shift(x, translate), flip).add(views(net, shift(x, -translate), flip));
    return logits.add(shifted.div(2)).div(2);
  }

  private static NDArray views(UnaryOperator<NDArray> net, NDArray x, boolean flip) {
    NDArray logits = net.apply(x);
    return flip ? logits.add(net.apply(x.flip(3))).div(2) : logits;
  }

  /**
   * x moved by d pixels along height and width, out(i) = x(i + d), the uncovered border filled by
   * reflection (as PyTorch's reflect padding, which airbench's views crop from); |d| is below the
   * image's sides (JobSubmission refuses more).
   */
  static NDArray shift(NDArray x, int d) {
    return shiftAxis(shiftAxis(x, d, 2), d, 3);
  }

  private static NDArray shiftAxis(NDArray x, int d, int axis) {
    long n = x.getShape().get(axis);
    long e = Math.abs(d);
    if (d > 0) { // x(e..n-1), then x(n-2) down to x(n-1-e)
      return x.get(slice(axis, e, n)).concat(x.get(slice(axis, n - 1 - e, n - 1)).flip(axis), axis);
    } // x(e) down to x(1), then x(0..n-1-e)
    return x.get(slice(axis, 1, e + 1)).flip(axis).concat(x.get(slice(axis, 0, n - e)), axis);
  }

  private static NDIndex slice(int axis, long from, long to) {
    return new NDIndex().addAllDim(axis).addSliceDim(from, to);
  }

  /** Mean softmax cross-entropy of logits (N, classes) against int64 labels (N). */
  static NDArray crossEntropy(NDArray logits, NDArray labels) {
    return crossEntropy(logits, labels, 0f);
  }

  /**
   * Cross-entropy against labels smoothed by {@code smoothing}: the target puts 1 - smoothing on
   * the label and spreads smoothing evenly over all classes (as PyTorch's {@code label_smoothing}).
   */
  static NDArray crossEntropy(NDArray logits, NDArray labels, float smoothing) {
    NDArray logp = logits.logSoftmax(1);
    NDArray nll = logp.gather(labels.reshape(-1, 1), 1).mean().neg();
    if (smoothing == 0) {
      return nll;
    }
    return nll.mul(1 - smoothing).add(logp.mean().neg().mul(smoothing));
  }
}
