package io.kernelwise.inference;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Converts any decoded image to a model's input: resized (bilinear) to the model's height and
 * width, grey or RGB as the model expects (alpha composited on white), scaled to 0..1 and
 * normalized with the model's per-channel mean and std, in CHW order.
 */
final class ImageTensors {
  private ImageTensors() {}

  static float[] toChw(
      BufferedImage source, int channels, int height, int width, float[] mean, float[] std) {
    int[] rgb = rgbPixels(source, height, width);
    int plane = height * width;
    float[] out = new float[channels * plane];
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      float r = ((p >> 16) & 0xff) / 255f;
      float g = ((p >> 8) & 0xff) / 255f;
      float b = (p & 0xff) / 255f;
      if (channels == 1) {
        float grey = 0.299f * r + 0.587f * g + 0.114f * b; // ITU-R BT.601 luma, as PIL's "L"
        out[i] = (grey - mean[0]) / std[0];
      } else {
        out[i] = (r - mean[0]) / std[0];
        out[plane + i] = (g - mean[1]) / std[1];
        out[2 * plane + i] = (b - mean[2]) / std[2];
      }
    }
    return out;
  }

  private static int[] rgbPixels(BufferedImage original, int height, int width) {
    BufferedImage source = greyAsRgb(original);
    BufferedImage image = source;
    if (source.getWidth() != width
        || source.getHeight() != height
        || source.getType() != BufferedImage.TYPE_INT_RGB) {
      image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      try {
        g.setRenderingHint(
            RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.drawImage(source, 0, 0, width, height, null);
      } finally {
        g.dispose();
      }
    }
    return image.getRGB(0, 0, width, height, null, 0, width);
  }

  /**
   * Java2D treats single-band images as linear grey and brightens them on conversion to sRGB; copy
   * the stored values instead (as PIL's L to RGB does) so grey images keep their pixel values.
   */
  private static BufferedImage greyAsRgb(BufferedImage source) {
    var raster = source.getRaster();
    if (raster.getNumBands() != 1) {
      return source;
    }
    int w = source.getWidth();
    int h = source.getHeight();
    int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
    int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
    int[] rgb = new int[samples.length];
    for (int i = 0; i < samples.length; i++) {
      int v = Math.min(255, samples[i] >> shift);
      if (raster.getSampleModel().getSampleSize(0) == 1) {
        v = samples[i] == 0 ? 0 : 255;
      }
      rgb[i] = (v << 16) | (v << 8) | v;
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, w, h, rgb, 0, w);
    return out;
  }
}
