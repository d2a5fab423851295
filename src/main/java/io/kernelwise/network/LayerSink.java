package io.kernelwise.network;

import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.Size2;

/**
 * What {@link SpecWalk} lowers a spec to: primitive layers, in the order DJL lists their
 * parameters. The DJL blocks ({@link DjlSink}) and the TorchScript source ({@link ScriptSink}) are
 * two sinks of the same walk, so the two networks cannot drift apart.
 */
interface LayerSink {
  /** 2-D convolution; {@code in} is the input's channel count. */
  void conv(
      int in,
      int filters,
      Size2 kernel,
      Size2 stride,
      Size2 padding,
      Size2 dilation,
      int groups,
      boolean bias);

  /** Batch normalization over {@code channels} (2-D on images, 1-D on vectors). */
  void batchNorm(int channels);

  /** Nothing for {@link Activation#NONE}. */
  void activation(Activation activation);

  void pool(boolean max, Size2 size, Size2 stride, Size2 padding);

  /** Global average pooling, then flatten to (N, C). */
  void globalAvgPool();

  void flatten();

  void dense(int in, int units, boolean bias);

  void dropout(double rate);

  /** A new, empty sequence that starts from this sink's current value. */
  LayerSink branch();

  /** Appends {@code body} (a branch of this sink) as one nested sequence. */
  void nest(LayerSink body);

  /** body(x) + shortcut(x); a null shortcut is the identity. Both are branches of this sink. */
  void sum(LayerSink body, LayerSink shortcut);
}
