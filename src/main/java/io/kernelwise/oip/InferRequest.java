package io.kernelwise.oip;

import java.util.List;
import java.util.Map;

/** {@code $inference_request}, as read by {@link InferRequestReader}. */
record InferRequest(
    String id, Map<String, Object> parameters, List<Input> inputs, List<Output> outputs) {

  /** {@code $request_input}; {@code shape} is null when the request left it out. */
  record Input(
      String name,
      String datatype,
      long[] shape,
      Map<String, Object> parameters,
      TensorData data) {}

  /** {@code $request_output}. */
  record Output(String name, Map<String, Object> parameters) {}
}
