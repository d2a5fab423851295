package io.kernelwise.network;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import io.kernelwise.architecture.ArchitectureSpec;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Builds DJL blocks with exactly the semantics of the reference {@code kw_torch.py}: same layers,
 * same trainable parameters, same output shapes ({@link SpecWalk} lowers the spec, {@link DjlSink}
 * makes the blocks).
 */
@Component
public class DjlNetworkFactory implements NetworkFactory {

  /** Depends on {@link Engines} so the engine's properties are set before any block is built. */
  public DjlNetworkFactory(Engines engines) {}

  @Override
  public Block build(ArchitectureSpec spec) {
    SequentialBlock net = new SequentialBlock();
    for (SequentialBlock layer : layers(spec)) {
      net.addAll(layer.getChildren().values());
    }
    return net;
  }

  /**
   * One block per top-level layer of the spec (the classifier included), in order. {@link #build}
   * chains their children into one flat block, the layout saved parameters have; tests compare each
   * layer with the analysis' rows for it.
   */
  public List<SequentialBlock> layers(ArchitectureSpec spec) {
    List<SequentialBlock> layers = new ArrayList<>();
    SpecWalk.walk(
        spec,
        () -> {
          DjlSink sink = new DjlSink(new SequentialBlock());
          layers.add(sink.block());
          return sink;
        });
    return layers;
  }

  /**
   * Trainable parameters of an initialized block, as PyTorch counts them (BN running statistics,
   * which DJL lists as parameters, are excluded).
   */
  public static long trainableParameters(Block block) {
    return block.getParameters().values().stream()
        .filter(Parameter::requiresGradient)
        .mapToLong(p -> p.getArray().getShape().size())
        .sum();
  }
}
