package io.kernelwise.training;

import io.kernelwise.architecture.SpecSchemaDocs;
import io.kernelwise.system.RequestRecord;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The body of {@code POST /api/v1/jobs} as the document shows it; {@link JobSubmission} reads the
 * JSON itself (every problem at once, by field path).
 */
@RequestRecord
@Schema(
    name = "JobRequest",
    description = "architectureId or an inline architecture (not both), and a READY datasetId")
record JobRequest(
    @Schema(description = "a stored architecture", example = "a-seed-3x3") String architectureId,
    @Schema(ref = SpecSchemaDocs.SPEC) Object architecture,
    @Schema(
            description = "a READY dataset",
            example = "cifar10",
            requiredMode = Schema.RequiredMode.REQUIRED)
        String datasetId,
    Hyperparameters hyperparameters,
    @Schema(
            description = "auto (default: kernelwise.training.default-device), cpu, gpu or gpu:N",
            example = "auto")
        String device) {}
