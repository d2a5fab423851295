package io.kernelwise.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kernelwise.training.Hyperparameters;
import io.kernelwise.training.JobState;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** An experiment as the API shows it: the comparison of its architectures, one row each. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Experiment")
record ExperimentView(
    @Schema(example = "x-3f9a1c2b7d4e5f60") String id,
    @Schema(example = "3x3 stack vs 5x5 vs separable") String name,
    @Schema(description = "RUNNING until every job has ended") ExperimentState state,
    @Schema(example = "cifar10") String datasetId,
    @Schema(example = "cpu") String device,
    Hyperparameters hyperparameters,
    @Schema(
            description = "the architecture the variants were derived from, else null",
            nullable = true)
        String baseArchitectureId,
    Instant createdAt,
    @Schema(description = "when a cancel was asked for, else null", nullable = true)
        Instant cancelRequestedAt,
    List<ArchitectureResult> architectures) {

  /** One compared architecture: what it costs and how its training went. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @Schema(name = "ExperimentArchitecture")
  record ArchitectureResult(
      String architectureId,
      @Schema(example = "seed-3x3") String name,
      @Schema(
              description = "the transform that derived it; null if it is not a variant",
              nullable = true)
          String transform,
      @Schema(description = "trainable parameters (what PyTorch counts)", example = "1250858")
          long parameters,
      @Schema(description = "parameters relative to the first architecture compared")
          double parameterRatio,
      @Schema(description = "multiply-accumulates of one forward pass of one image") long macs,
      @Schema(description = "[h, w] in input pixels") List<Long> receptiveField,
      String jobId,
      JobState state,
      @Schema(description = "0..1") double progress,
      @Schema(description = "epochs planned") int epochs,
      @Schema(description = "epochs finished (one metrics row each)") int epochsDone,
      @Schema(description = "highest validation accuracy over the epochs done", nullable = true)
          Double bestValAccuracy,
      @Schema(description = "the epoch that reached bestValAccuracy", nullable = true)
          Integer bestEpoch,
      @Schema(description = "validation accuracy of the last epoch done", nullable = true)
          Double finalValAccuracy,
      @Schema(
              description = "accuracy on the dataset's test split, once the job succeeded",
              nullable = true)
          Double testAccuracy,
      @Schema(description = "mean seconds per epoch done", nullable = true) Double secondsPerEpoch,
      @Schema(description = "mean training images per second over the epochs done", nullable = true)
          Double imagesPerSecond,
      @Schema(description = "the trained model once the job SUCCEEDED", nullable = true)
          String modelId,
      @Schema(description = "why the job FAILED", nullable = true) String error) {}
}
