package io.kernelwise.network;

import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.Size2;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * TorchScript statements of the walk, one assignment per primitive layer, with functional aten ops
 * (the serialized form: {@code torch.X} is {@code aten::X} there). Parameters are declared in the
 * order the layers create them, which is the order DJL lists its blocks' parameters.
 *
 * <p>Two rewrites that compute the same values and gradients with fewer passes over memory: ReLU
 * and ReLU6 run in place ({@code relu_}, {@code hardtanh_}) and residual sums add in place, on a
 * tensor only this sink holds and that no backward reads (the output of a conv, batch norm, linear
 * layer, pool or sum); and a ReLU or ReLU6 followed by a max pool runs after the pool, on a quarter
 * of the elements (a non-decreasing function commutes with max).
 */
final class ScriptSink implements LayerSink {
  // c10::ScalarType codes: the serialized TorchScript writes dtypes as integers
  static final int FLOAT32 = 6;
  static final int BFLOAT16 = 15;

  private final ScriptModule module;
  private final List<String> lines = new ArrayList<>();
  private String value;
  // value is a fresh op output that nothing else reads and autograd does not save
  private boolean owned;
  // a ReLU/ReLU6 held back until the next layer is known, so that a max pool can go first
  private Activation pending;

  ScriptSink(ScriptModule module, String input) {
    this.module = module;
    this.value = input;
  }

  List<String> lines() {
    flush();
    return lines;
  }

  String value() {
    flush();
    return value;
  }

  /**
   * Appends {@code value = expression} with a fresh variable. The expression must have been built
   * from {@link #value()} (or after {@link #flush()}): a held-back in-place op must come first.
   */
  void assign(String expression) {
    emit(expression, false);
  }

  private void emit(String expression, boolean fresh) {
    if (pending != null) { // the expression was built from the value without it
      throw new IllegalStateException("an expression read the value before its pending " + pending);
    }
    String name = module.freshName();
    lines.add(name + " = " + expression);
    value = name;
    owned = fresh;
  }

  /** Emits the held-back activation, in place on the value. */
  private void flush() {
    if (pending != null) {
      Activation a = pending;
      pending = null;
      emit(
          a == Activation.RELU
              ? "torch.relu_(" + value + ")"
              : "torch.hardtanh_(" + value + ", 0., 6.)",
          false);
    }
  }

  @Override
  public void conv(
      int in,
      int filters,
      Size2 kernel,
      Size2 stride,
      Size2 padding,
      Size2 dilation,
      int groups,
      boolean bias) {
    flush();
    String w = module.parameter("weight", true, filters, in / groups, kernel.h(), kernel.w());
    String b = bias ? module.parameter("bias", true, filters) : null;
    fresh(
        "torch.conv2d("
            + String.join(
                ", ",
                value,
                module.cast(w),
                b == null ? "None" : module.cast(b),
                list(stride),
                list(padding),
                list(dilation),
                Integer.toString(groups))
            + ")");
  }

  @Override
  public void batchNorm(int channels) {
    flush();
    // DJL's order: gamma, beta, running mean, running variance; the statistics do not train
    String gamma = module.parameter("gamma", true, channels);
    String beta = module.parameter("beta", true, channels);
    String mean = module.parameter("running_mean", false, channels);
    String var = module.parameter("running_var", false, channels);
    // fp32 parameters and statistics on a bf16 input: the CPU kernel takes mixed types and
    // updates the fp32 statistics in place
    fresh(
        "torch.batch_norm("
            + String.join(
                ", ",
                value,
                "self." + gamma,
                "self." + beta,
                "self." + mean,
                "self." + var,
                "self.training",
                "0.1",
                "1.0000000000000001e-05",
                "True")
            + ")");
  }

  @Override
  public void activation(Activation activation) {
    if (activation == Activation.NONE) {
      return;
    }
    flush(); // after an in-place activation the value is autograd's: owned turns false
    if ((activation == Activation.RELU || activation == Activation.RELU6) && owned) {
      pending = activation;
      return;
    }
    switch (activation) {
      case RELU -> assign("torch.relu(" + value + ")");
      case RELU6 -> assign("torch.hardtanh(" + value + ", 0., 6.)");
      case GELU -> assign("torch.gelu(" + value + ")");
      case SILU -> assign("torch.silu(" + value + ")");
      case SIGMOID -> assign("torch.sigmoid(" + value + ")");
      case TANH -> assign("torch.tanh(" + value + ")");
      case SOFTMAX -> assign("torch.softmax(" + value + ", 1)");
    }
  }

  @Override
  public void pool(boolean max, Size2 size, Size2 stride, Size2 padding) {
    Activation after = max ? pending : null;
    if (after != null) {
      pending = null;
    } else {
      flush();
    }
    String geometry = String.join(", ", value, list(size), list(stride), list(padding));
    fresh(
        max
            ? "torch.max_pool2d(" + geometry + ", [1, 1], False)"
            : "torch.avg_pool2d(" + geometry + ", False, True, None)");
    pending = after;
  }

  @Override
  public void globalAvgPool() {
    flush();
    assign("torch.flatten(torch.adaptive_avg_pool2d(" + value + ", [1, 1]), 1)");
  }

  @Override
  public void flatten() {
    flush();
    assign("torch.flatten(" + value + ", 1)");
  }

  @Override
  public void dense(int in, int units, boolean bias) {
    flush();
    String w = module.parameter("weight", true, units, in);
    String b = bias ? module.parameter("bias", true, units) : null;
    fresh(
        "torch.linear("
            + value
            + ", "
            + module.cast(w)
            + ", "
            + (b == null ? "None" : module.cast(b))
            + ")");
  }

  @Override
  public void dropout(double rate) {
    flush();
    assign("torch.dropout(" + value + ", " + number(rate) + ", self.training)");
  }

  @Override
  public LayerSink branch() {
    flush();
    // the value now has two readers: neither may change it in place
    owned = false;
    return new ScriptSink(module, value);
  }

  @Override
  public void nest(LayerSink body) {
    ScriptSink b = (ScriptSink) body;
    lines.addAll(b.lines());
    value = b.value;
    owned = b.owned;
  }

  @Override
  public void sum(LayerSink body, LayerSink shortcut) {
    ScriptSink b = (ScriptSink) body;
    lines.addAll(b.lines());
    String other = value;
    if (shortcut != null) {
      ScriptSink s = (ScriptSink) shortcut;
      lines.addAll(s.lines());
      other = s.value;
    }
    fresh((b.owned ? "torch.add_(" : "torch.add(") + b.value + ", " + other + ")");
  }

  /** Appends an op whose output is a new tensor that its backward does not read. */
  private void fresh(String expression) {
    emit(expression, true);
  }

  private static String list(Size2 s) {
    return "[" + s.h() + ", " + s.w() + "]";
  }

  /** A float literal TorchScript's lexer reads (never an exponent with a capital E). */
  static String number(double v) {
    String s = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    return s.contains(".") ? s : s + ".0";
  }
}
