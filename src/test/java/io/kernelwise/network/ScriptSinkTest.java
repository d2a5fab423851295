package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.TestImages;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scripted forward's rewrites are where they pay and nowhere else: ReLU after max pool and in
 * place, sums in place, and no in-place op on a tensor another op still reads. {@link
 * ScriptedNetworkTest} proves the values and gradients equal DJL's blocks; this pins the
 * statements.
 */
class ScriptSinkTest {
  /** The residual's input feeds the body's first ReLU and the identity shortcut. */
  static final String PRE_ACTIVATION =
      """
      {"name": "pre", "input": {"channels": 3, "height": 8, "width": 8}, "classes": 2,
       "layers": [
        {"type": "conv", "filters": 4, "kernel": 3, "padding": "same"},
        {"type": "residual", "layers": [
          {"type": "activation", "function": "relu"},
          {"type": "conv", "filters": 4, "kernel": 3, "padding": "same"}]},
        {"type": "activation", "function": "relu"},
        {"type": "activation", "function": "relu6"},
        {"type": "globalAvgPool"},
        {"type": "dense", "units": 2}]}
      """;

  private static List<String> forward(String json) {
    return ScriptModule.of(TestSpecs.parse(json), false, false)
        .source()
        .lines()
        .map(String::strip)
        .toList();
  }

  private static List<String> ops(List<String> lines) {
    return lines.stream()
        .filter(l -> l.startsWith("x") && l.contains(" = torch."))
        .map(l -> l.substring(l.indexOf("torch.") + 6, l.indexOf('(')))
        .toList();
  }

  @Test
  void reluBeforeAMaxPoolRunsAfterItAndInPlace() {
    List<String> lines = forward(TestImages.preset("seed-3x3"));
    assertThat(ops(lines))
        .containsExactly(
            "conv2d",
            "relu_",
            "conv2d",
            "max_pool2d",
            "relu_",
            "conv2d",
            "relu_",
            "conv2d",
            "max_pool2d",
            "relu_",
            "flatten",
            "linear",
            "relu_",
            "linear");
  }

  @Test
  void residualSumsAddInPlaceAndTheirReluFollowsInPlace() {
    List<String> ops = ops(forward(TestImages.preset("resnet-cifar")));
    assertThat(ops).doesNotContain("add", "relu");
    assertThat(String.join(" ", ops)).contains("batch_norm add_ relu_");
  }

  @Test
  void aValueWithTwoReadersIsNeverChangedInPlace() {
    List<String> lines = forward(PRE_ACTIVATION);
    assertThat(ops(lines))
        .containsExactly(
            "conv2d", "relu", "conv2d", "add_", "relu_", "hardtanh", "flatten", "linear");
  }
}
