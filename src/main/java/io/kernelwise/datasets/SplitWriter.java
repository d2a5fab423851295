package io.kernelwise.datasets;

import io.kernelwise.imaging.ImagePixels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Writes one split's pixels at fixed slots (so workers write concurrently without ordering), then
 * closes the gaps of images that failed to decode.
 */
final class SplitWriter implements AutoCloseable {
  private final Path dir;
  private final String split;
  private final int from;
  private final int to;
  private final long imageBytes;
  private final FileChannel channel;
  private final int[] labels;
  int count;

  SplitWriter(Path dir, String split, int from, int to, long imageBytes) throws IOException {
    this.dir = dir;
    this.split = split;
    this.from = from;
    this.to = to;
    this.imageBytes = imageBytes;
    this.channel = TensorCache.openForWrite(dir.resolve(split + ".u8"));
    this.labels = new int[to - from];
  }

  void write(int index, byte[] chw, int label) throws IOException {
    int slot = index - from;
    labels[slot] = label;
    ByteBuffer buffer = ByteBuffer.wrap(chw);
    long position = slot * imageBytes;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
  }

  /** Compacts away skipped slots (rare) and writes the labels. */
  void finish(ImagePixels.Header[] headers) throws IOException {
    int kept = 0;
    ByteBuffer buffer = ByteBuffer.allocate((int) imageBytes);
    for (int i = from; i < to; i++) {
      if (headers[i] == null) {
        continue;
      }
      int slot = i - from;
      if (slot != kept) {
        buffer.clear();
        long pos = slot * imageBytes;
        while (buffer.hasRemaining()) {
          int r = channel.read(buffer, pos + buffer.position());
          if (r < 0) {
            throw new IOException("short read in " + split + ".u8");
          }
        }
        buffer.flip();
        long out = kept * imageBytes;
        while (buffer.hasRemaining()) {
          out += channel.write(buffer, out);
        }
        labels[kept] = labels[slot];
      }
      kept++;
    }
    channel.truncate(kept * imageBytes);
    count = kept;
    TensorCache.writeLabels(dir.resolve(split + ".labels"), labels, kept);
  }

  int[] perClass(int classes) {
    int[] counts = new int[classes];
    for (int i = 0; i < count; i++) {
      counts[labels[i]]++;
    }
    return counts;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
