package io.kernelwise.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import io.kernelwise.architecture.ArchitectureSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A spec's network as a TorchScript module that DJL runs as a trainable {@link PtSymbolBlock}: the
 * same parameters as the DJL-block network ({@link NetworkFactory}), in the same order and shapes,
 * so checkpoints, model files and inference keep using the DJL blocks' format: {@link #copyTo}
 * before writing them, {@link #copyFrom} after reading. One forward is one native call instead of
 * one per layer, and it can compute in bf16 (see {@link ScriptModule}).
 */
public final class ScriptedNetwork implements AutoCloseable {
  private final PtSymbolBlock block;
  private final NDManager manager;
  private final List<Parameter> parameters;

  private ScriptedNetwork(
      PtSymbolBlock block, NDManager manager, List<ScriptModule.Param> declared) {
    this.block = block;
    this.manager = manager;
    this.parameters = List.copyOf(block.getParameters().values());
    if (parameters.size() != declared.size()) {
      throw new IllegalStateException(
          "the scripted module has " + parameters.size() + " parameters, not " + declared.size());
    }
    for (int i = 0; i < declared.size(); i++) {
      ScriptModule.Param want = declared.get(i);
      Parameter got = parameters.get(i);
      if (!got.getName().equals(want.name())
          || !got.getArray().getShape().equals(new Shape(want.shape()))) {
        throw new IllegalStateException(
            "scripted parameter " + i + " is " + got.getName() + " " + got.getArray().getShape());
      }
      // the loader marks every parameter trainable; BN statistics are updated by the forward
      got.freeze(!want.trainable());
    }
    // the module starts in training mode, as the block believes; eval is switched per forward
    JniUtils.enableTrainingMode(block);
  }

  /**
   * The scripted network of {@code spec} with the current values of {@code initialized} (the spec's
   * DJL-block network, initialized or loaded), on {@code parent}'s device; closed with {@link
   * #close()} or with {@code parent}.
   */
  public static ScriptedNetwork of(
      ArchitectureSpec spec,
      Block initialized,
      Precision precision,
      boolean channelsLast,
      NDManager parent) {
    ScriptModule module = ScriptModule.of(spec, precision == Precision.BF16, channelsLast);
    List<Parameter> source = List.copyOf(initialized.getParameters().values());
    List<ScriptModule.Param> declared = module.parameters();
    if (source.size() != declared.size()) {
      throw new IllegalStateException(
          "the DJL network has " + source.size() + " parameters, the script " + declared.size());
    }
    List<float[]> values = source.stream().map(p -> p.getArray().toFloatArray()).toList();
    byte[] archive = TorchScriptArchive.write(module, values);
    NDManager manager = parent.newSubManager();
    try {
      PtSymbolBlock block =
          JniUtils.loadModule(
              (PtNDManager) manager, new ByteArrayInputStream(archive), false, false);
      return new ScriptedNetwork(block, manager, declared);
    } catch (IOException e) {
      manager.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public Block block() {
    return block;
  }

  /** The parameters the optimizer updates (BN statistics excluded), in DJL's order. */
  public List<Parameter> trainable() {
    return parameters.stream().filter(Parameter::requiresGradient).toList();
  }

  /** Copies this network's current values into {@code target} (the same spec's DJL blocks). */
  public void copyTo(Block target) {
    List<Parameter> to = List.copyOf(target.getParameters().values());
    for (int i = 0; i < parameters.size(); i++) {
      copy(parameters.get(i).getArray(), to.get(i).getArray());
    }
  }

  /** Copies {@code source}'s values (the same spec's DJL blocks) into this network. */
  public void copyFrom(Block source) {
    List<Parameter> from = List.copyOf(source.getParameters().values());
    for (int i = 0; i < parameters.size(); i++) {
      copy(from.get(i).getArray(), parameters.get(i).getArray());
    }
  }

  private static void copy(NDArray from, NDArray to) {
    if (!from.getShape().equals(to.getShape())) {
      throw new IllegalStateException(
          "cannot copy " + from.getShape() + " into a parameter of shape " + to.getShape());
    }
    // outside autograd: an in-place write to a leaf that requires grad is an error inside it
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      to.set(new NDIndex("..."), from); // native and in place: the module keeps its tensor
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
