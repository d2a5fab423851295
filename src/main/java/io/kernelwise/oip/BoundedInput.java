package io.kernelwise.oip;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body that fails once more than {@code max} bytes have been read (chunked bodies). */
final class BoundedInput extends FilterInputStream {
  static final class OverLimitException extends IOException {
    OverLimitException() {
      super("the body is over the limit", null);
    }
  }

  private final long max;
  private long read;

  BoundedInput(InputStream in, long max) {
    super(in);
    this.max = max;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    count(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  private void count(long n) throws OverLimitException {
    if (n > 0 && (read += n) > max) {
      throw new OverLimitException();
    }
  }
}
