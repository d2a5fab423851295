package io.kernelwise.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optimizer steps as one native call over a group of parameters: PyTorch's fused kernels ({@code
 * _fused_adam_}, {@code _fused_sgd_}, one pass over each tensor) through a parameterless
 * TorchScript module. DJL 0.36's JNI updates one parameter per call, cloning the gradient and
 * making about a dozen passes over it; for seed-5x5's 2.2 M parameters that is 16-22 ms a step
 * against 3 ms fused (issue 13, docs/benchmarks.md).
 */
public final class FusedUpdate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FusedUpdate.class);

  // PyTorch's Adam (L2 decay added to the gradient) and SGD with Nesterov momentum, as their
  // fused=True paths call them; the step count is one tensor for the whole group
  static final String SOURCE =
      """
      class Net(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def adam(self: __torch__.Net,
          params: List[Tensor],
          grads: List[Tensor],
          exp_avgs: List[Tensor],
          exp_avg_sqs: List[Tensor],
          step: Tensor,
          lr: float,
          beta1: float,
          beta2: float,
          eps: float,
          weight_decay: float) -> Tensor:
          steps = [step for _ in range(len(params))]
          torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), \
      steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, \
      maximize=False)
          torch._foreach_zero_(grads)
          return step
        def nesterov(self: __torch__.Net,
          params: List[Tensor],
          grads: List[Tensor],
          buffers: List[Tensor],
          lr: float,
          momentum: float,
          weight_decay: float) -> Tensor:
          torch._fused_sgd_(params, grads, buffers, weight_decay=weight_decay, momentum=momentum, \
      lr=lr, dampening=0., nesterov=True, maximize=False, is_first_step=False)
          torch._foreach_zero_(grads)
          return params[0]
      """;

  private final PtSymbolBlock module;
  private final NDManager manager;

  private FusedUpdate(PtSymbolBlock module, NDManager manager) {
    this.module = module;
    this.manager = manager;
  }

  /**
   * The fused update on {@code parent}'s device, or empty where this libtorch lacks the kernels
   * (the caller then updates parameter by parameter).
   */
  public static Optional<FusedUpdate> load(NDManager parent) {
    NDManager manager = parent.newSubManager();
    try {
      byte[] archive = TorchScriptArchive.write(SOURCE, List.of(), List.of());
      PtSymbolBlock module =
          JniUtils.loadModule(
              (PtNDManager) manager, new ByteArrayInputStream(archive), false, false);
      return Optional.of(new FusedUpdate(module, manager));
    } catch (IOException | RuntimeException e) {
      manager.close();
      log.warn("fused optimizer kernels unavailable, updating per parameter: {}", e.toString());
      return Optional.empty();
    }
  }

  /**
   * PyTorch's Adam on one group at optimizer step {@code step} (1 for the first): updates {@code
   * params} and their moments in place and zeroes the gradients.
   */
  public void adam(
      List<NDArray> params,
      List<NDArray> expAvgs,
      List<NDArray> expAvgSqs,
      long step,
      float lr,
      float beta1,
      float beta2,
      float eps,
      float weightDecay) {
    try (NDArray stepCount = params.get(0).getManager().create((float) step);
        Gradients grads = new Gradients(params);
        IValue p = list(params);
        IValue m = list(expAvgs);
        IValue v = list(expAvgSqs);
        IValue s = IValue.from((PtNDArray) stepCount);
        IValue lrValue = IValue.from((double) lr);
        IValue b1 = IValue.from((double) beta1);
        IValue b2 = IValue.from((double) beta2);
        IValue e = IValue.from((double) eps);
        IValue wd = IValue.from((double) weightDecay)) {
      run("adam", p, grads.list, m, v, s, lrValue, b1, b2, e, wd);
    }
  }

  /** SGD with Nesterov momentum on one group (PyTorch's {@code nesterov=True}, no dampening). */
  public void nesterov(
      List<NDArray> params, List<NDArray> buffers, float lr, float momentum, float weightDecay) {
    try (Gradients grads = new Gradients(params);
        IValue p = list(params);
        IValue b = list(buffers);
        IValue lrValue = IValue.from((double) lr);
        IValue mu = IValue.from((double) momentum);
        IValue wd = IValue.from((double) weightDecay)) {
      run("nesterov", p, grads.list, b, lrValue, mu, wd);
    }
  }

  private void run(String method, IValue... inputs) {
    try (IValue result = IValueUtils.runMethod(module, method, inputs)) {
      // the update is in place; the returned tensor is one of the inputs
    }
  }

  private static IValue list(List<NDArray> arrays) {
    return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
  }

  /** The parameters' current gradient tensors, as one list, released after the call. */
  private static final class Gradients implements AutoCloseable {
    private final List<NDArray> arrays;
    private final IValue list;

    Gradients(List<NDArray> params) {
      this.arrays = params.stream().map(NDArray::getGradient).toList();
      this.list = FusedUpdate.list(arrays);
    }

    @Override
    public void close() {
      list.close();
      arrays.forEach(NDArray::close);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
