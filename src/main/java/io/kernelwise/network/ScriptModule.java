package io.kernelwise.network;

import io.kernelwise.architecture.ArchitectureSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A spec as the source of a TorchScript class {@code __torch__.Net} as {@code torch.jit.save} lays
 * it out in {@code code/__torch__.py}: parameters declared by {@code __parameters__} and typed
 * attributes, and a {@code forward} of functional ops. With bf16 the activations and weights are
 * cast to bfloat16 inside {@code forward} and the logits back to float32, so the caller never holds
 * a bf16 tensor and the parameters stay fp32 master weights.
 */
final class ScriptModule {
  static final String CLASS = "Net";

  /** One parameter: its attribute name, shape, and whether it trains (BN statistics do not). */
  record Param(String name, long[] shape, boolean trainable) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final boolean bf16;
  private final boolean channelsLast;
  private final List<Param> parameters = new ArrayList<>();
  private final String source;
  private int names;

  private ScriptModule(ArchitectureSpec spec, boolean bf16, boolean channelsLast) {
    this.bf16 = bf16;
    this.channelsLast = channelsLast;
    ScriptSink net = new ScriptSink(this, "x");
    if (bf16) {
      net.assign("torch.to(x, " + ScriptSink.BFLOAT16 + ")");
    }
    if (channelsLast) {
      net.assign("torch.contiguous(" + net.value() + ", memory_format=2)");
    }
    SpecWalk.walk(spec, () -> net);
    if (bf16) {
      net.assign("torch.to(" + net.value() + ", " + ScriptSink.FLOAT32 + ")");
    }
    this.source = source(net);
  }

  static ScriptModule of(ArchitectureSpec spec, boolean bf16, boolean channelsLast) {
    return new ScriptModule(spec, bf16, channelsLast);
  }

  List<Param> parameters() {
    return List.copyOf(parameters);
  }

  /** {@code code/__torch__.py}. */
  String source() {
    return source;
  }

  /** Declares a parameter; its name says its kind, which is how DJL types loaded parameters. */
  String parameter(String kind, boolean trainable, long... shape) {
    String name = "p" + parameters.size() + "_" + kind;
    parameters.add(new Param(name, shape.clone(), trainable));
    return name;
  }

  /** A weight as forward uses it: cast to bf16 on the bf16 route. */
  String cast(String parameter) {
    return bf16
        ? "torch.to(self." + parameter + ", " + ScriptSink.BFLOAT16 + ")"
        : "self." + parameter;
  }

  String freshName() {
    return "x" + names++;
  }

  private String source(ScriptSink net) {
    StringBuilder s = new StringBuilder();
    s.append("class ").append(CLASS).append("(Module):\n");
    s.append("  __parameters__ = [")
        .append(
            parameters.stream().map(p -> "\"" + p.name() + "\", ").collect(Collectors.joining()))
        .append("]\n");
    s.append("  __buffers__ = []\n");
    for (Param p : parameters) {
      s.append("  ").append(p.name()).append(" : Tensor\n");
    }
    s.append("  training : bool\n");
    s.append("  def forward(self: __torch__.").append(CLASS).append(",\n");
    s.append("    x: Tensor) -> Tensor:\n");
    for (String line : net.lines()) {
      s.append("    ").append(line).append('\n');
    }
    s.append("    return ").append(net.value()).append('\n');
    return s.toString();
  }

  boolean bf16() {
    return bf16;
  }

  boolean channelsLast() {
    return channelsLast;
  }
}
