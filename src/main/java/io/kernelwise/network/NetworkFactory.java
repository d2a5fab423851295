package io.kernelwise.network;

import ai.djl.nn.Block;
import io.kernelwise.architecture.ArchitectureSpec;

/**
 * The one place that turns a spec into a DJL {@link Block}. The block takes NCHW float32 input and
 * returns logits of shape (N, classes). Its trainable parameter count equals the analysis'.
 */
public interface NetworkFactory {
  Block build(ArchitectureSpec spec);
}
