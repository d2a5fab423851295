package io.kernelwise.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageTensorsTest {
  static final float[] ZERO = {0, 0, 0};
  static final float[] ONE = {1, 1, 1};

  @Test
  void greyValuesAreCopiedAsStoredIntoEveryRgbChannel() {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 51);
    grey.getRaster().setSample(1, 0, 0, 204);
    float[] chw = ImageTensors.toChw(grey, 3, 1, 2, ZERO, ONE);
    // Java2D's grey to sRGB conversion would brighten 51 to about 124
    assertThat(chw)
        .containsExactly(new float[] {0.2f, 0.8f, 0.2f, 0.8f, 0.2f, 0.8f}, within(1e-6f));
  }

  @Test
  void colourIsNormalizedPerChannelInChwOrderAndAlphaIsDropped() {
    BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, (10 << 24) | (255 << 16) | (0 << 8) | 51); // nearly transparent
    float[] chw =
        ImageTensors.toChw(argb, 3, 1, 1, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 1, 2});
    assertThat(chw).containsExactly(new float[] {1f, -0.5f, (0.2f - 0.5f) / 2}, within(1e-6f));
  }

  @Test
  void resizesToTheModelInputAndConvertsColourToGrey() {
    BufferedImage red = new BufferedImage(40, 10, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 40; x++) {
      for (int y = 0; y < 10; y++) {
        red.setRGB(x, y, 0xFF0000);
      }
    }
    float[] grey = ImageTensors.toChw(red, 1, 4, 4, new float[] {0}, new float[] {1});
    assertThat(grey).hasSize(16);
    for (float v : grey) {
      assertThat(v).isCloseTo(255 * 299 / 1000 / 255f, within(1e-6f)); // BT.601 luma of red
    }
  }

  @Test
  void softmaxSumsToOneEvenForHugeLogits() {
    float[] p = BatchTranslator.softmax(new float[] {9, 1000, 999, -1000}, 1, 3);
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, within(1e-6f));
    assertThat(p[0]).isGreaterThan(p[1]).isGreaterThan(p[2]);
  }
}
