package io.kernelwise.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * {@code {modelId, predictions}} for one image, {@code {modelId, results:[{file, predictions}]}}
 * for a batch.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "PredictionResponse")
record PredictionResponse(
    @Schema(example = "m-3f9a1c0d2b7e4a51") String modelId,
    @Schema(
            description = "top-k labels of a single image, most probable first; absent for a batch",
            nullable = true)
        List<Prediction> predictions,
    @Schema(
            description = "one entry per file part of a batch, in request order; absent for one",
            nullable = true)
        List<FileResult> results) {

  @Schema(name = "Prediction")
  record Prediction(
      @Schema(example = "cat") String label,
      @Schema(description = "softmax probability (all classes sum to 1)", example = "0.8731")
          double probability) {}

  @Schema(name = "FilePrediction")
  record FileResult(@Schema(example = "cat-01.jpg") String file, List<Prediction> predictions) {}

  static PredictionResponse single(String modelId, List<Prediction> predictions) {
    return new PredictionResponse(modelId, predictions, null);
  }

  static PredictionResponse batch(String modelId, List<FileResult> results) {
    return new PredictionResponse(modelId, null, results);
  }
}
