package io.kernelwise.architecture;

import java.util.List;

/**
 * One layer of the DSL, with every default resolved. The JSON {@code type} of each record is given
 * by {@link #type()}; field names match the SPEC's JSON field names.
 */
public sealed interface LayerSpec {

  /** The JSON {@code type} name. */
  String type();

  /** {@code conv}: convolution, then batch norm, then activation. */
  record Conv(
      int filters,
      Size2 kernel,
      Size2 stride,
      Padding padding,
      Size2 dilation,
      int groups,
      boolean bias,
      boolean batchNorm,
      Activation activation)
      implements LayerSpec {
    public String type() {
      return "conv";
    }
  }

  /** {@code depthwiseConv}: groups = c_in, filters = c_in * multiplier. */
  record DepthwiseConv(
      Size2 kernel,
      Size2 stride,
      Padding padding,
      int multiplier,
      boolean bias,
      boolean batchNorm,
      Activation activation)
      implements LayerSpec {
    public String type() {
      return "depthwiseConv";
    }
  }

  /** {@code separableConv}: depthwise k x k (no bias) then pointwise 1x1, no activation between. */
  record SeparableConv(
      int filters,
      Size2 kernel,
      Size2 stride,
      Padding padding,
      boolean bias,
      boolean batchNorm,
      Activation activation)
      implements LayerSpec {
    public String type() {
      return "separableConv";
    }
  }

  /** {@code spatialSeparableConv}: k x 1 (no bias) then 1 x k; both same-padded. */
  record SpatialSeparableConv(
      int filters, int kernel, Size2 stride, boolean bias, boolean batchNorm, Activation activation)
      implements LayerSpec {
    public String type() {
      return "spatialSeparableConv";
    }
  }

  /** {@code bottleneck}: ResNet/ResNeXt bottleneck block. */
  record Bottleneck(int filters, int width, int kernel, int stride, int groups, boolean residual)
      implements LayerSpec {
    public String type() {
      return "bottleneck";
    }
  }

  /** {@code residual}: activation(layers(x) + shortcut(x)). */
  record Residual(List<LayerSpec> layers, Shortcut shortcut, Activation activation)
      implements LayerSpec {
    public Residual {
      layers = List.copyOf(layers);
    }

    public String type() {
      return "residual";
    }
  }

  /** Shortcut of a residual: auto (identity if shapes match, else 1x1 conv + BN) or identity. */
  enum Shortcut {
    AUTO,
    IDENTITY
  }

  /** {@code repeat}: the layer list repeated {@code times}. */
  record Repeat(int times, List<LayerSpec> layers) implements LayerSpec {
    public Repeat {
      layers = List.copyOf(layers);
    }

    public String type() {
      return "repeat";
    }
  }

  /** {@code maxPool} / {@code avgPool}. */
  record Pool(boolean max, Size2 size, Size2 stride, Size2 padding) implements LayerSpec {
    public String type() {
      return max ? "maxPool" : "avgPool";
    }
  }

  record GlobalAvgPool() implements LayerSpec {
    public String type() {
      return "globalAvgPool";
    }
  }

  record Flatten() implements LayerSpec {
    public String type() {
      return "flatten";
    }
  }

  /** {@code dense}: fully connected; flattens a (c,h,w) input first. */
  record Dense(int units, Activation activation, boolean bias) implements LayerSpec {
    public String type() {
      return "dense";
    }
  }

  record Dropout(double rate) implements LayerSpec {
    public String type() {
      return "dropout";
    }
  }

  /** {@code batchNorm}: 2d on (c,h,w), 1d on (n). */
  record BatchNorm() implements LayerSpec {
    public String type() {
      return "batchNorm";
    }
  }

  /** {@code activation}: a standalone activation function. */
  record ActivationLayer(Activation function) implements LayerSpec {
    public String type() {
      return "activation";
    }
  }
}
