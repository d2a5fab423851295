package io.kernelwise.models;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A model resource as the API answers it. */
@Schema(name = "Model", description = "A trained model, ready to classify images")
record ModelResponse(
    @Schema(example = "m-3f9a1c0d2b7e4a51") String id,
    @Schema(example = "seed-3x3 on cifar10") String name,
    @Schema(description = "null when trained on an inline architecture", nullable = true)
        String architectureId,
    @Schema(description = "null for an imported model that does not say", nullable = true)
        String datasetId,
    @Schema(description = "null for an imported model that does not say", nullable = true)
        String jobId,
    @Schema(example = "[\"airplane\", \"automobile\", \"bird\"]") List<String> classes,
    Input input,
    Normalization normalization,
    @Schema(example = "{\"testAccuracy\": 0.71, \"valLoss\": 0.83}") Map<String, Double> metrics,
    @Schema(description = "bytes of the stored files (spec, parameters, labels, ...)")
        long artifactBytes,
    Instant createdAt,
    @Schema(
            description =
                "version of the models sharing this name (1, 2, ... in registration order), as"
                    + " served at /v2/models/{name}/versions/{version}",
            example = "1")
        int version) {

  @Schema(name = "ModelInput")
  record Input(
      @Schema(example = "3") int channels,
      @Schema(example = "32") int height,
      @Schema(example = "32") int width) {}

  @Schema(name = "ModelNormalization")
  record Normalization(
      @Schema(example = "[0.4914, 0.4822, 0.4465]") float[] mean,
      @Schema(example = "[0.247, 0.2435, 0.2616]") float[] std) {}

  static ModelResponse of(ModelRecord m) {
    return new ModelResponse(
        m.id(),
        m.name(),
        m.architectureId(),
        m.datasetId(),
        m.jobId(),
        m.classes(),
        new Input(m.channels(), m.height(), m.width()),
        new Normalization(m.normalization().mean(), m.normalization().std()),
        m.metrics(),
        m.artifactBytes(),
        m.createdAt(),
        m.version());
  }
}
