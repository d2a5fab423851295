package io.kernelwise.inference;

import io.kernelwise.imaging.ImagePixels;
import java.awt.image.BufferedImage;

/**
 * Normalizes a model's uint8 CHW input pixels (prepared by {@link ImagePixels}, exactly as dataset
 * ingest prepared the training images) with the model's {@code (x / 255 - mean) / std} per channel.
 */
final class ImageTensors {
  private ImageTensors() {}

  static float[] normalize(byte[] chw, int channels, float[] mean, float[] std) {
    int plane = chw.length / channels;
    float[] out = new float[chw.length];
    for (int c = 0, i = 0; c < channels; c++) {
      float m = mean[c];
      float s = std[c];
      for (int end = i + plane; i < end; i++) {
        out[i] = ((chw[i] & 0xFF) / 255f - m) / s;
      }
    }
    return out;
  }

  /** A decoded image as the model's normalized input, through the shared conversion. */
  static float[] toChw(
      BufferedImage source, int channels, int height, int width, float[] mean, float[] std) {
    byte[] chw = new byte[channels * height * width];
    ImagePixels.toChw(source, channels, height, width, chw);
    return normalize(chw, channels, mean, std);
  }
}
