package io.kernelwise.inference;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Converts any decoded image to a model's input the way dataset ingest prepared its training
 * images: grey values copied as they are stored (grey to RGB replicates them), alpha dropped,
 * bilinear resize to the model's size, colour to grey with BT.601 luma, then {@code (x / 255 -
 * mean) / std} per channel, in CHW order.
 */
final class ImageTensors {
  private ImageTensors() {}

  static float[] toChw(
      BufferedImage source, int channels, int height, int width, float[] mean, float[] std) {
    BufferedImage image = resize(opaqueRgb(source), width, height);
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    int plane = height * width;
    float[] out = new float[channels * plane];
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      int r = (p >> 16) & 0xff;
      int g = (p >> 8) & 0xff;
      int b = p & 0xff;
      if (channels == 1) {
        float grey = (r * 299 + g * 587 + b * 114) / 1000 / 255f;
        out[i] = (grey - mean[0]) / std[0];
      } else {
        out[i] = (r / 255f - mean[0]) / std[0];
        out[plane + i] = (g / 255f - mean[1]) / std[1];
        out[2 * plane + i] = (b / 255f - mean[2]) / std[2];
      }
    }
    return out;
  }

  /**
   * An INT_RGB copy without alpha. Java2D treats single-band images as linear grey and brightens
   * them on conversion to sRGB, so grey samples are copied as stored (scaled to 8 bits).
   */
  private static BufferedImage opaqueRgb(BufferedImage source) {
    int w = source.getWidth();
    int h = source.getHeight();
    if (source.getType() == BufferedImage.TYPE_INT_RGB) {
      return source;
    }
    int[] rgb;
    var raster = source.getRaster();
    if (source.getColorModel().getNumColorComponents() == 1) {
      int bits = source.getColorModel().getComponentSize(0);
      int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
      rgb = new int[samples.length];
      for (int i = 0; i < samples.length; i++) {
        int s = samples[i];
        int v = bits >= 8 ? s >> (bits - 8) : s * 255 / ((1 << bits) - 1);
        rgb[i] = (v << 16) | (v << 8) | v;
      }
    } else {
      rgb = source.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < rgb.length; i++) {
        rgb[i] &= 0xFFFFFF;
      }
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, w, h, rgb, 0, w);
    return out;
  }

  private static BufferedImage resize(BufferedImage source, int width, int height) {
    if (source.getWidth() == width && source.getHeight() == height) {
      return source;
    }
    BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return target;
  }
}
