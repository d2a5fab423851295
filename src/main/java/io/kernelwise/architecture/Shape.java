package io.kernelwise.architecture;

import java.util.List;

/** A feature map {@code (c, h, w)} or a flat vector {@code (n)} during shape inference. */
record Shape(long channels, int height, int width, boolean spatial) {
  static Shape chw(long c, int h, int w) {
    return new Shape(c, h, w, true);
  }

  static Shape flat(long n) {
    return new Shape(n, 0, 0, false);
  }

  long elements() {
    return spatial ? Sat.mul(channels, Sat.mul(height, width)) : channels;
  }

  List<Long> toList() {
    return spatial ? List.of(channels, (long) height, (long) width) : List.of(channels);
  }

  @Override
  public String toString() {
    return spatial ? "[" + channels + ", " + height + ", " + width + "]" : "[" + channels + "]";
  }
}
