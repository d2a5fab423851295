package io.kernelwise.network;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a TorchScript archive that {@code torch::jit::load} reads, without Python: the class
 * source, {@code data.pkl} (the module object, whose state holds the parameters as references to
 * storages), an empty {@code constants.pkl}, one raw little-endian float32 storage per parameter
 * under {@code data/}, and the format version.
 */
final class TorchScriptArchive {
  static final String FOLDER = "net";
  // 10 is the newest format libtorch 1.13 to 2.7 reads; at or above every operator's version
  // bump, so no upgrader rewrites the generated calls (gelu got its approximate argument in 10)
  static final String VERSION = "10\n";

  private TorchScriptArchive() {}

  /** {@code values.get(i)} holds parameter i's elements in row-major order. */
  static byte[] write(ScriptModule module, List<float[]> values) {
    return write(module.source(), module.parameters(), values);
  }

  /** The archive of {@code __torch__.Net} with {@code source} as its code and these parameters. */
  static byte[] write(String source, List<ScriptModule.Param> params, List<float[]> values) {
    if (values.size() != params.size()) {
      throw new IllegalArgumentException(
          values.size() + " values for " + params.size() + " parameters");
    }
    StoredZip zip = new StoredZip();
    zip.add(FOLDER + "/version", ascii(VERSION));
    zip.add(FOLDER + "/.data/version", ascii(VERSION));
    zip.add(FOLDER + "/byteorder", ascii("little"));
    zip.add(FOLDER + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
    zip.add(FOLDER + "/constants.pkl", new Pickler().emptyTuple().stop());
    zip.add(FOLDER + "/data.pkl", moduleState(params));
    for (int i = 0; i < params.size(); i++) {
      float[] v = values.get(i);
      if (v.length != params.get(i).elements()) {
        throw new IllegalArgumentException(
            params.get(i).name()
                + " needs "
                + params.get(i).elements()
                + " values, not "
                + v.length);
      }
      ByteBuffer storage = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      storage.asFloatBuffer().put(v);
      zip.add(FOLDER + "/data/" + i, storage.array());
    }
    return zip.finish();
  }

  /**
   * {@code __torch__.Net} with its state {name: tensor, ..., training: True}; each tensor is {@code
   * torch._utils._rebuild_tensor_v2(storage, 0, size, stride, requires_grad, OrderedDict())} of the
   * persistent storage {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}.
   */
  private static byte[] moduleState(List<ScriptModule.Param> params) {
    Pickler p = new Pickler();
    p.global("__torch__", ScriptModule.CLASS).emptyTuple().newObject();
    p.emptyDict().mark();
    for (int i = 0; i < params.size(); i++) {
      ScriptModule.Param param = params.get(i);
      p.string(param.name());
      p.global("torch._utils", "_rebuild_tensor_v2").mark();
      p.mark()
          .string("storage")
          .global("torch", "FloatStorage")
          .string(Integer.toString(i))
          .string("cpu")
          .integer(param.elements())
          .tuple()
          .persistentId();
      p.integer(0);
      p.mark();
      for (long d : param.shape()) {
        p.integer(d);
      }
      p.tuple();
      p.mark();
      long stride = 1;
      long[] strides = new long[param.shape().length];
      for (int d = strides.length - 1; d >= 0; d--) {
        strides[d] = stride;
        stride *= param.shape()[d];
      }
      for (long s : strides) {
        p.integer(s);
      }
      p.tuple();
      p.bool(param.trainable());
      p.global("collections", "OrderedDict").emptyTuple().reduce();
      p.tuple().reduce();
    }
    p.string("training").bool(true);
    p.setItems().build();
    return p.stop();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
