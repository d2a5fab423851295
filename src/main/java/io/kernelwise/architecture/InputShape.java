package io.kernelwise.architecture;

/** Channels, height and width of one input image. */
public record InputShape(int channels, int height, int width) {
  public long pixels() {
    return (long) height * width;
  }
}
