package io.kernelwise.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.kernelwise.network.FusedUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adam or SGD (momentum, optionally Nesterov's; L2 weight decay, optionally not on biases and
 * normalization parameters) over a block's trainable parameters. Adam and Nesterov run PyTorch's
 * fused kernels over each group of parameters sharing a weight decay ({@link FusedUpdate}); plain
 * momentum SGD, and any libtorch without those kernels, use DJL's per-parameter updates. Unlike
 * DJL's {@code Optimizer}, it exposes its state (moments, step count) so checkpoints can carry it
 * and a resumed run continues the same optimisation.
 */
final class ParameterUpdater implements AutoCloseable {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final boolean adam;
  private final boolean nesterov;
  private final float momentum;
  private final List<Parameter> parameters;

  /** Weight decay per parameter: 0 for one-dimensional ones when norms and biases are exempt. */
  private final float[] weightDecay;

  /** Adam: mean and variance per parameter; SGD: one momentum buffer per parameter. */
  private final List<NDArray> state = new ArrayList<>();

  /** The parameters and their state by weight decay, for the fused kernels; built once. */
  private final List<Group> groups = new ArrayList<>();

  private record Group(
      float decay, List<NDArray> params, List<NDArray> first, List<NDArray> second) {}

  private final Optional<FusedUpdate> fused;
  private long steps;

  ParameterUpdater(Hyperparameters.Optimizer optimizer, List<Parameter> trainable) {
    this(optimizer, trainable, true);
  }

  /** {@code fusedKernels} false: DJL's per-parameter updates only (to test them against these). */
  ParameterUpdater(
      Hyperparameters.Optimizer optimizer, List<Parameter> trainable, boolean fusedKernels) {
    this.adam = "adam".equals(optimizer.type());
    this.nesterov = !adam && Boolean.TRUE.equals(optimizer.nesterov());
    this.momentum = optimizer.momentum().floatValue();
    this.parameters = List.copyOf(trainable);
    this.weightDecay = new float[parameters.size()];
    boolean all = !Boolean.FALSE.equals(optimizer.decayNormsAndBiases());
    for (int i = 0; i < parameters.size(); i++) {
      NDArray w = parameters.get(i).getArray();
      weightDecay[i] =
          all || w.getShape().dimension() > 1 ? optimizer.weightDecay().floatValue() : 0f;
      state.add(w.zerosLike());
      if (adam) {
        state.add(w.zerosLike());
      }
    }
    Map<Float, List<Integer>> byDecay = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      byDecay.computeIfAbsent(weightDecay[i], d -> new ArrayList<>()).add(i);
    }
    int perParameter = adam ? 2 : 1;
    byDecay.forEach(
        (decay, members) ->
            groups.add(
                new Group(
                    decay,
                    members.stream().map(i -> parameters.get(i).getArray()).toList(),
                    members.stream().map(i -> state.get(perParameter * i)).toList(),
                    adam ? members.stream().map(i -> state.get(2 * i + 1)).toList() : List.of())));
    this.fused =
        fusedKernels && (adam || nesterov) && !parameters.isEmpty()
            ? FusedUpdate.load(parameters.get(0).getArray().getManager())
            : Optional.empty();
  }

  /** Applies one update with the gradients of the last backward pass, and zeroes them. */
  void step(float learningRate) {
    steps++;
    if (fused.isPresent()) {
      for (Group group : groups) {
        if (adam) {
          fused
              .get()
              .adam(
                  group.params(),
                  group.first(),
                  group.second(),
                  steps,
                  learningRate,
                  BETA1,
                  BETA2,
                  EPSILON,
                  group.decay());
        } else {
          fused
              .get()
              .nesterov(group.params(), group.first(), learningRate, momentum, group.decay());
        }
      }
      return;
    }
    float biasCorrection =
        (float)
            (learningRate * Math.sqrt(1 - Math.pow(BETA2, steps)) / (1 - Math.pow(BETA1, steps)));
    for (int i = 0; i < parameters.size(); i++) {
      NDArray w = parameters.get(i).getArray();
      try (NDArray g = w.getGradient()) {
        if (adam) {
          w.getNDArrayInternal()
              .adamUpdate(
                  new NDList(w, g, state.get(2 * i), state.get(2 * i + 1)),
                  new NDList(w),
                  learningRate,
                  biasCorrection,
                  weightDecay[i],
                  1f,
                  -1f,
                  BETA1,
                  BETA2,
                  EPSILON,
                  true,
                  false);
        } else if (nesterov) {
          nesterovUpdate(w, g, state.get(i), learningRate, weightDecay[i]);
        } else {
          w.getNDArrayInternal()
              .sgdUpdate(
                  new NDList(w, g, state.get(i)),
                  new NDList(w),
                  learningRate,
                  weightDecay[i],
                  1f,
                  -1f,
                  momentum,
                  true);
        }
      }
    }
  }

  /**
   * PyTorch's SGD with {@code nesterov=True}: d = g + wd * w; v = momentum * v + d; w -= lr * (d +
   * momentum * v). Where the fused kernel is missing: four in-place operations, then the gradient
   * zeroed as DJL's fused updates do.
   */
  private void nesterovUpdate(NDArray w, NDArray g, NDArray v, float lr, float decay) {
    try (NDArray d = decay > 0 ? w.mul(decay).addi(g) : g.duplicate()) {
      v.muli(momentum).addi(d);
      try (NDArray step = v.mul(momentum).addi(d)) {
        w.subi(step.muli(lr));
      }
    }
    JniUtils.zeroGrad((PtNDArray) w);
  }

  /** Whether the fused kernels do the updates. */
  boolean fused() {
    return fused.isPresent();
  }

  long steps() {
    return steps;
  }

  /** The optimizer state, in a fixed order, for a checkpoint. */
  NDList state() {
    return new NDList(state);
  }

  void restore(long steps, NDList saved, NDManager manager) {
    if (saved.size() != state.size()) {
      throw new IllegalStateException(
          "checkpoint has " + saved.size() + " optimizer arrays, expected " + state.size());
    }
    this.steps = steps;
    for (int i = 0; i < state.size(); i++) {
      NDArray target = state.get(i);
      NDArray value = saved.get(i);
      if (!target.getShape().equals(value.getShape())) {
        throw new IllegalStateException("checkpoint optimizer state does not fit this network");
      }
      value.copyTo(target);
    }
  }

  @Override
  public void close() {
    fused.ifPresent(FusedUpdate::close);
  }
}
