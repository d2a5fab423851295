package io.kernelwise.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.kernelwise.architecture.Activation;
import io.kernelwise.architecture.Size2;
import java.util.List;

/**
 * DJL blocks of the walk. The block structure (nesting, identity shortcuts) is what stored
 * parameter files hold, so it must not change.
 */
final class DjlSink implements LayerSink {
  private final SequentialBlock net;

  DjlSink(SequentialBlock net) {
    this.net = net;
  }

  SequentialBlock block() {
    return net;
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
    net.add(
        Conv2d.builder()
            .setKernelShape(shape(kernel))
            .optStride(shape(stride))
            .optPadding(shape(padding))
            .optDilation(shape(dilation))
            .optGroups(groups)
            .setFilters(filters)
            .optBias(bias)
            .build());
  }

  /** PyTorch's defaults: eps 1e-5, running stats updated with 0.1 of the batch statistics. */
  @Override
  public void batchNorm(int channels) {
    net.add(BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build());
  }

  @Override
  public void activation(Activation activation) {
    switch (activation) {
      case NONE -> {}
      case RELU -> net.add(ai.djl.nn.Activation.reluBlock());
      case RELU6 -> net.add(ai.djl.nn.Activation.relu6Block());
      case GELU -> net.add(ai.djl.nn.Activation.geluBlock());
      case SILU -> net.add(ai.djl.nn.Activation.swishBlock(1f));
      case SIGMOID -> net.add(ai.djl.nn.Activation.sigmoidBlock());
      case TANH -> net.add(ai.djl.nn.Activation.tanhBlock());
      case SOFTMAX -> net.add(LambdaBlock.singleton(x -> x.softmax(1), "softmax"));
    }
  }

  @Override
  public void pool(boolean max, Size2 size, Size2 stride, Size2 padding) {
    Shape k = shape(size);
    Shape s = shape(stride);
    Shape p = shape(padding);
    net.add(max ? new MaxPool2dBlock(k, s, p) : Pool.avgPool2dBlock(k, s, p, false, true));
  }

  @Override
  public void globalAvgPool() {
    net.add(Pool.globalAvgPool2dBlock());
    net.add(Blocks.batchFlattenBlock());
  }

  @Override
  public void flatten() {
    net.add(Blocks.batchFlattenBlock());
  }

  @Override
  public void dense(int in, int units, boolean bias) {
    net.add(Linear.builder().setUnits(units).optBias(bias).build());
  }

  @Override
  public void dropout(double rate) {
    net.add(Dropout.builder().optRate((float) rate).build());
  }

  @Override
  public LayerSink branch() {
    return new DjlSink(new SequentialBlock());
  }

  @Override
  public void nest(LayerSink body) {
    net.add(((DjlSink) body).net);
  }

  @Override
  public void sum(LayerSink body, LayerSink shortcut) {
    net.add(
        new ParallelBlock(
            outputs -> {
              NDArray y = outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow());
              return new NDList(y);
            },
            List.of(
                ((DjlSink) body).net,
                shortcut == null ? Blocks.identityBlock() : ((DjlSink) shortcut).net)));
  }

  private static Shape shape(Size2 s) {
    return new Shape(s.h(), s.w());
  }
}
