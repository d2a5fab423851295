package io.kernelwise.oip;

import io.kernelwise.system.ApiException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Which outputs to answer, checked before any image is computed. The model has one output, {@code
 * probabilities} (FP32 {@code [n, classes]}); with the {@code classification} parameter (on the
 * output, or on the request for the default output) it becomes BYTES {@code [n, k]} holding the
 * top-k classes as Triton writes them, {@code "probability:index:label"}. {@code binary_data} on an
 * output (or {@code binary_data_output} on the request) sends it as binary tensor data.
 */
record OutputPlan(List<Planned> outputs) {
  static final String PROBABILITIES = "probabilities";

  record Planned(String name, int classification, boolean binary) {}

  record Written(List<InferResponse.Output> outputs, List<byte[]> binary) {}

  static OutputPlan of(InferRequest request, int classes) {
    Map<String, Object> top = request.parameters();
    boolean binaryDefault = flag(top.get("binary_data_output"), "parameters.binary_data_output");
    List<Planned> planned = new ArrayList<>();
    if (request.outputs() == null || request.outputs().isEmpty()) {
      int k = classification(top.get("classification"), "parameters.classification", classes);
      planned.add(new Planned(PROBABILITIES, k, binaryDefault));
      return new OutputPlan(planned);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < request.outputs().size(); i++) {
      InferRequest.Output o = request.outputs().get(i);
      String at = "outputs[" + i + "]";
      if (!PROBABILITIES.equals(o.name())) {
        throw ApiException.invalid(
            at + ".name",
            "'"
                + o.name()
                + "' is not an output of the model; its output is '"
                + PROBABILITIES
                + "'");
      }
      if (!seen.add(o.name())) {
        throw ApiException.invalid(at + ".name", "'" + o.name() + "' is requested twice");
      }
      Object k = o.parameters().getOrDefault("classification", top.get("classification"));
      Object binary = o.parameters().get("binary_data");
      planned.add(
          new Planned(
              o.name(),
              classification(k, at + ".parameters.classification", classes),
              binary == null ? binaryDefault : flag(binary, at + ".parameters.binary_data")));
    }
    return new OutputPlan(planned);
  }

  Written write(float[][] probabilities, List<String> labels) {
    int n = probabilities.length;
    List<InferResponse.Output> outputs = new ArrayList<>();
    List<byte[]> binary = new ArrayList<>();
    for (Planned p : outputs()) {
      if (p.classification() == 0) {
        int classes = labels.size();
        float[] flat = new float[n * classes];
        for (int i = 0; i < n; i++) {
          System.arraycopy(probabilities[i], 0, flat, i * classes, classes);
        }
        long[] shape = {n, classes};
        if (p.binary()) {
          ByteBuffer b = ByteBuffer.allocate(flat.length * 4).order(ByteOrder.LITTLE_ENDIAN);
          b.asFloatBuffer().put(flat);
          binary.add(b.array());
          outputs.add(binaryOutput(p.name(), "FP32", shape, b.capacity()));
        } else {
          outputs.add(new InferResponse.Output(p.name(), "FP32", shape, null, flat));
        }
      } else {
        List<String> top = new ArrayList<>();
        for (float[] row : probabilities) {
          IntStream.range(0, row.length)
              .boxed()
              .sorted(Comparator.comparingDouble((Integer c) -> row[c]).reversed())
              .limit(p.classification())
              .forEach(c -> top.add(row[c] + ":" + c + ":" + labels.get(c)));
        }
        long[] shape = {n, p.classification()};
        if (p.binary()) {
          byte[] bytes = BinaryTensors.encodeStrings(top);
          binary.add(bytes);
          outputs.add(binaryOutput(p.name(), "BYTES", shape, bytes.length));
        } else {
          outputs.add(new InferResponse.Output(p.name(), "BYTES", shape, null, top));
        }
      }
    }
    return new Written(List.copyOf(outputs), binary);
  }

  private static InferResponse.Output binaryOutput(
      String name, String datatype, long[] shape, int size) {
    return new InferResponse.Output(name, datatype, shape, Map.of("binary_data_size", size), null);
  }

  /** 0 when absent: the probabilities themselves. */
  private static int classification(Object value, String field, int classes) {
    if (value == null) {
      return 0;
    }
    long k;
    if (value instanceof Number number && number.doubleValue() == number.longValue()) {
      k = number.longValue();
    } else if (value instanceof String s && s.matches("\\d{1,9}")) {
      k = Long.parseLong(s);
    } else {
      throw ApiException.invalid(field, "must be an integer, the number of top classes");
    }
    if (k < 1 || k > classes) {
      throw ApiException.invalid(
          field, "must be between 1 and " + classes + " (the model's classes), not " + k);
    }
    return (int) k;
  }

  private static boolean flag(Object value, String field) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw ApiException.invalid(field, "must be true or false");
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
