package io.kernelwise.architecture;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * What an architecture costs (SPEC "Analysis"): a pure function of the spec, computed by {@link
 * ArchitectureAnalyzer}. Shapes are {@code [c, h, w]} or {@code [n]}; receptive fields {@code [h,
 * w]} in input pixels.
 */
public record Analysis(
    Parameters parameters,
    @Schema(description = "multiply-accumulates of one forward pass of one image (conv + dense)")
        long macs,
    List<Long> outputShape,
    List<Long> receptiveField,
    List<Layer> layers,
    Memory memory) {

  public Analysis {
    outputShape = List.copyOf(outputShape);
    receptiveField = List.copyOf(receptiveField);
    layers = List.copyOf(layers);
  }

  /**
   * {@code trainable} is what PyTorch's {@code model.parameters()} counts; BN running stats not.
   */
  @Schema(name = "ParameterCounts")
  public record Parameters(long trainable, long nonTrainable, long total) {}

  /**
   * One row per layer. Inside a {@code repeat} the path carries the iteration ({@code
   * layers[3][1].layers[0]}: layer 0 of the second pass of layer 3); a {@code residual}'s own row
   * follows its body's rows and holds the join (the shortcut's cost when it is a 1x1 conv).
   *
   * @param weights kernel weights of conv and dense layers (no bias, no batch norm)
   * @param denseEquivalentWeights conv-like and dense layers: {@code (h_in*w_in*c_in) *
   *     (h_out*w_out*c_out)}, the fully connected layer mapping the same volumes
   * @param weightRatioVsDense {@code denseEquivalentWeights / weights}: the article's {@code
   *     l^4/k^2}
   */
  @Schema(name = "LayerAnalysis")
  public record Layer(
      String path,
      String type,
      List<Long> outputShape,
      long parameters,
      long weights,
      long macs,
      List<Long> receptiveField,
      @Schema(
              description = "null for layers without weights (pooling, flatten, ...)",
              nullable = true)
          Long denseEquivalentWeights,
      @Schema(description = "null where denseEquivalentWeights is", nullable = true)
          Double weightRatioVsDense) {
    public Layer {
      outputShape = List.copyOf(outputShape);
      receptiveField = List.copyOf(receptiveField);
    }
  }

  /** float32 bytes: every parameter (incl. BN running stats) and every activation of one image. */
  @Schema(name = "MemoryEstimate")
  public record Memory(long parametersBytes, long activationBytesPerImage) {}
}
