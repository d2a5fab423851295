package io.kernelwise.network;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.system.KernelwiseProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a spec's TorchScript archive to a file, to run it under Python's torch for comparison:
 * {@code ArchiveDump SPEC FILE BF16 CHANNELS_LAST} (SPEC: a name {@link TestSpecs#byName} knows).
 */
public final class ArchiveDump {
  public static void main(String[] args) throws Exception {
    ArchitectureSpec spec = TestSpecs.byName(args[0]);
    Engines engines =
        new Engines(
            new KernelwiseProperties(
                null, null, null, null, null, null, new KernelwiseProperties.Djl(true, true)));
    try (NDManager root = NDManager.newBaseManager()) {
      Block block = new DjlNetworkFactory(engines).build(spec);
      block.initialize(root, DataType.FLOAT32, new Shape(1, 3, 32, 32));
      ScriptModule module =
          ScriptModule.of(spec, Boolean.parseBoolean(args[2]), Boolean.parseBoolean(args[3]));
      List<float[]> values =
          block.getParameters().values().stream().map(p -> p.getArray().toFloatArray()).toList();
      Files.write(Path.of(args[1]), TorchScriptArchive.write(module, values));
      System.out.println(module.source());
    }
  }
}
