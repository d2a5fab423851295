package io.kernelwise.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A job as the API shows it (SPEC "Resources"). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Job")
public record JobView(
    @Schema(example = "j-4f1c2a9b") String id,
    @Schema(example = "RUNNING") JobState state,
    @Schema(description = "0..1", example = "0.35") double progress,
    @Schema(description = "current (or last finished) epoch, 1-based; 0 before the first")
        int epoch,
    int epochs,
    @Schema(description = "1-based place in the queue while QUEUED, else null", nullable = true)
        Long queuePosition,
    @Schema(example = "cpu") String device,
    @Schema(description = "null for an inline architecture", nullable = true) String architectureId,
    String architectureName,
    String datasetId,
    Hyperparameters hyperparameters,
    Instant createdAt,
    @Schema(description = "null until it first runs", nullable = true) Instant startedAt,
    @Schema(description = "null until it ends", nullable = true) Instant finishedAt,
    @Schema(description = "why it FAILED, else null", nullable = true) String error,
    @Schema(description = "the trained model once SUCCEEDED, else null", nullable = true)
        String modelId,
    @Schema(description = "accuracy on the test split once SUCCEEDED, else null", nullable = true)
        Double testAccuracy,
    @Schema(description = "runs started for this job; more than 1 after a crash or shutdown")
        int attempts,
    @Schema(
            description = "epoch of the checkpoint the latest attempt resumed from, else null",
            nullable = true)
        Integer resumedFromEpoch,
    boolean cancelRequested,
    @Schema(
            description =
                "the instance (kernelwise.training.instance-name) running or that last ran it;"
                    + " null before it first runs",
            example = "kernelwise-worker-0",
            nullable = true)
        String worker,
    @Schema(
            description =
                "what the latest attempt computes in (fp32 or bf16; hyperparameters.precision"
                    + " auto resolved on the worker); null before it starts",
            example = "bf16",
            nullable = true)
        String precision) {}
