package io.kernelwise.datasets;

/** Per-channel sums of the train pixels, for mean and std on 0..1; safe for concurrent adds. */
final class PixelStats {
  private final int channels;
  private final int plane;
  private final long[] sum;
  private final long[] sumSq;

  PixelStats(int channels, int plane) {
    this.channels = channels;
    this.plane = plane;
    this.sum = new long[channels];
    this.sumSq = new long[channels];
  }

  void add(byte[] chw) {
    long[] s = new long[channels];
    long[] q = new long[channels];
    for (int c = 0; c < channels; c++) {
      long a = 0;
      long b = 0;
      for (int i = c * plane, end = i + plane; i < end; i++) {
        int v = chw[i] & 0xFF;
        a += v;
        b += v * v;
      }
      s[c] = a;
      q[c] = b;
    }
    synchronized (this) {
      for (int c = 0; c < channels; c++) {
        sum[c] += s[c];
        sumSq[c] += q[c];
      }
    }
  }

  float[] mean(int images) {
    float[] m = new float[channels];
    double n = (double) images * plane * 255.0;
    for (int c = 0; c < channels; c++) {
      m[c] = (float) (sum[c] / n);
    }
    return m;
  }

  float[] std(int images) {
    float[] s = new float[channels];
    double n = (double) images * plane;
    for (int c = 0; c < channels; c++) {
      double mean = sum[c] / n / 255.0;
      double sq = sumSq[c] / n / (255.0 * 255.0);
      s[c] = (float) Math.sqrt(Math.max(0, sq - mean * mean));
    }
    return s;
  }
}
