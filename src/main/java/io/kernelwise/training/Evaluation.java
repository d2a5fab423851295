package io.kernelwise.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** The loss the loop trains on, and the evaluation of a network on held-out images. */
final class Evaluation {
  // evaluation reuses the training batch shape: new shapes make libtorch/oneDNN allocate anew
  private static final int MAX_EVAL_BATCH = 256;

  private Evaluation() {}

  /** Mean loss and accuracy of an evaluation pass. */
  record Score(double loss, double accuracy) {}

  /**
   * Mean loss and accuracy in inference mode (BN running statistics, no dropout) in batches of at
   * most {@code batchSize}; with {@code testTimeFlip} the logits are the mean of the image's and
   * its mirror image's.
   */
  static Score evaluate(
      Block block,
      ParameterStore store,
      DeviceImages images,
      int batchSize,
      boolean testTimeFlip,
      NDManager manager) {
    try (NDManager eval = manager.newSubManager()) {
      NDArray lossSum = eval.zeros(new Shape(), DataType.FLOAT32);
      NDArray correct = eval.zeros(new Shape(), DataType.INT64);
      int size = Math.min(MAX_EVAL_BATCH, batchSize);
      for (int from = 0; from < images.count(); from += size) {
        int to = Math.min(images.count(), from + size);
        try (NDManager step = eval.newSubManager()) {
          DeviceImages.Batch batch = images.slice(step, from, to);
          NDArray logits = block.forward(store, new NDList(batch.x()), false).singletonOrThrow();
          if (testTimeFlip) {
            NDArray mirrored =
                block.forward(store, new NDList(batch.x().flip(3)), false).singletonOrThrow();
            logits = logits.add(mirrored).divi(2);
          }
          lossSum.addi(crossEntropy(logits, batch.y()).mul(batch.size()));
          correct.addi(logits.argMax(1).eq(batch.y()).sum());
        }
      }
      return new Score(
          lossSum.getFloat() / images.count(), (double) correct.getLong() / images.count());
    }
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
