package io.kernelwise.architecture;

/** Saturating long arithmetic: absurd specs must hit a limit, never overflow into small numbers. */
final class Sat {
  private Sat() {}

  static long mul(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
      return low;
    }
    return Long.MAX_VALUE;
  }

  static long mul(long a, long b, long c) {
    return mul(mul(a, b), c);
  }

  static long add(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
