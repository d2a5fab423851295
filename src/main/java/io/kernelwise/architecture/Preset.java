package io.kernelwise.architecture;

import tools.jackson.databind.JsonNode;

/**
 * A built-in architecture: post its {@code spec} to create it. {@code recipe}, where a preset has
 * one, is the {@code hyperparameters} object of {@code POST /jobs} it was tuned with; null
 * otherwise.
 */
public record Preset(
    String name, String description, JsonNode spec, Analysis analysis, JsonNode recipe) {}
