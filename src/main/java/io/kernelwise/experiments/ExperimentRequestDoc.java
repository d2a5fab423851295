package io.kernelwise.experiments;

import io.kernelwise.architecture.SpecSchemaDocs;
import io.kernelwise.system.RequestRecord;
import io.kernelwise.training.Hyperparameters;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The body of {@code POST /api/v1/experiments} as the document shows it; {@link ExperimentRequest}
 * reads the JSON itself (every problem at once, by field path).
 */
@RequestRecord
@Schema(
    name = "ExperimentRequest",
    description =
        "architectureIds, or baseArchitectureId with transforms (and keepFirst); datasetId,"
            + " hyperparameters and device are shared by every job")
record ExperimentRequestDoc(
    @Schema(maxLength = ExperimentRequest.MAX_NAME_LENGTH, example = "3x3 vs 5x5") String name,
    @ArraySchema(
            minItems = 1,
            maxItems = ExperimentRequest.MAX_ARCHITECTURES,
            uniqueItems = true,
            schema = @Schema(type = "string", minLength = 1))
        List<String> architectureIds,
    @Schema(minLength = 1) String baseArchitectureId,
    @ArraySchema(minItems = 1, schema = @Schema(ref = SpecSchemaDocs.TRANSFORM))
        List<Object> transforms,
    @Schema(description = "with baseArchitectureId: leave the first conv as it is (default true)")
        Boolean keepFirst,
    @Schema(minLength = 1, example = "cifar10", requiredMode = Schema.RequiredMode.REQUIRED)
        String datasetId,
    Hyperparameters hyperparameters,
    @Schema(description = "auto, cpu, gpu or gpu:N", example = "auto") String device) {}
