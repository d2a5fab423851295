package io.kernelwise.oip;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** {@code $inference_response}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record InferResponse(
    @JsonProperty("model_name") String modelName,
    @JsonProperty("model_version") String modelVersion,
    String id,
    Map<String, Object> parameters,
    List<Output> outputs) {

  /**
   * {@code $response_output}; {@code data} is a float[] (FP32) or a list of strings (BYTES), and
   * null when the tensor travels as binary data (then {@code parameters.binary_data_size}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Output(
      String name, String datatype, long[] shape, Map<String, Object> parameters, Object data) {}
}
