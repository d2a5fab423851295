package io.kernelwise.architecture;

/** A (height, width) pair: kernel sizes, strides, dilations, explicit padding. */
public record Size2(int h, int w) {
  public static Size2 square(int v) {
    return new Size2(v, v);
  }

  public boolean isSquare() {
    return h == w;
  }
}
