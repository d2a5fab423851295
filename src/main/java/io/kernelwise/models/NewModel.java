package io.kernelwise.models;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a finished training job hands to the registry. {@code specJson} is the architecture spec as
 * JSON (so the model loads even after its architecture is deleted); {@code parameters} is a file
 * written by DJL {@code Block#saveParameters} for the block {@code network.NetworkFactory} builds
 * from that spec. mean/std are per channel on the 0..1 scale. {@code precision} (fp32 | bf16) is
 * what it trained in; the parameters are fp32 either way.
 */
public record NewModel(
    String name,
    String architectureId,
    String datasetId,
    String jobId,
    String specJson,
    List<String> classes,
    int channels,
    int height,
    int width,
    float[] mean,
    float[] std,
    Map<String, Double> metrics,
    Path parameters,
    String precision) {

  /** An fp32-trained model. */
  public NewModel(
      String name,
      String architectureId,
      String datasetId,
      String jobId,
      String specJson,
      List<String> classes,
      int channels,
      int height,
      int width,
      float[] mean,
      float[] std,
      Map<String, Double> metrics,
      Path parameters) {
    this(
        name,
        architectureId,
        datasetId,
        jobId,
        specJson,
        classes,
        channels,
        height,
        width,
        mean,
        std,
        metrics,
        parameters,
        "fp32");
  }
}
