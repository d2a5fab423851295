package io.kernelwise.inference;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;

/**
 * One already-batched input (N images, CHW floats, back to back) in, one softmax row per image out.
 * The input NDArray is created in the predictor's own per-call manager, so nothing outlives the
 * call; batching happens before (in {@link ServedModel}), hence no DJL batchifier.
 */
final class BatchTranslator implements Translator<BatchTranslator.Batch, float[][]> {
  private final int channels;
  private final int height;
  private final int width;

  BatchTranslator(int channels, int height, int width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  record Batch(float[] data, int size) {}

  @Override
  public NDList processInput(TranslatorContext ctx, Batch batch) {
    return new NDList(
        ctx.getNDManager()
            .create(
                FloatBuffer.wrap(batch.data()), new Shape(batch.size(), channels, height, width)));
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    var logits = list.singletonOrThrow();
    int n = (int) logits.getShape().get(0);
    int classes = (int) logits.getShape().get(1);
    float[] flat = logits.toFloatArray();
    float[][] probabilities = new float[n][];
    for (int i = 0; i < n; i++) {
      probabilities[i] = softmax(flat, i * classes, classes);
    }
    return probabilities;
  }

  @Override
  public Batchifier getBatchifier() {
    return null;
  }

  /** Numerically stable softmax in double precision, so each row sums to 1 within float error. */
  static float[] softmax(float[] logits, int offset, int length) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < length; j++) {
      max = Math.max(max, logits[offset + j]);
    }
    double[] e = new double[length];
    double sum = 0;
    for (int j = 0; j < length; j++) {
      e[j] = Math.exp(logits[offset + j] - max);
      sum += e[j];
    }
    float[] out = new float[length];
    for (int j = 0; j < length; j++) {
      out[j] = (float) (e[j] / sum);
    }
    return out;
  }
}
