package io.kernelwise.architecture;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * A built-in architecture: post its {@code spec} to create it. {@code recipe}, where a preset has
 * one, is the {@code hyperparameters} object of {@code POST /jobs} it was tuned with; left out
 * otherwise.
 */
public record Preset(
    String name,
    String description,
    @Schema(ref = SpecSchemaDocs.SPEC) JsonNode spec,
    Analysis analysis,
    @Schema(
            ref = "#/components/schemas/Hyperparameters",
            description = "the hyperparameters it was tuned with, where it has a recipe",
            nullable = true)
        @JsonInclude(JsonInclude.Include.NON_NULL)
        JsonNode recipe) {}
