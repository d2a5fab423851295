package io.kernelwise.architecture;

/**
 * Convolution padding: {@code "same"} (PyTorch semantics: d*(k-1)/2 per side), valid, or explicit.
 */
public sealed interface Padding {
  Same SAME = new Same();
  Valid VALID = new Valid();

  /** Padding per side, resolved for a kernel and dilation. */
  Size2 resolve(Size2 kernel, Size2 dilation);

  record Same() implements Padding {
    public Size2 resolve(Size2 k, Size2 d) {
      return new Size2(d.h() * (k.h() - 1) / 2, d.w() * (k.w() - 1) / 2);
    }
  }

  record Valid() implements Padding {
    public Size2 resolve(Size2 k, Size2 d) {
      return new Size2(0, 0);
    }
  }

  record Explicit(Size2 size) implements Padding {
    public Size2 resolve(Size2 k, Size2 d) {
      return size;
    }
  }
}
