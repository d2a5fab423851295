package io.kernelwise.architecture;

import tools.jackson.databind.JsonNode;

/** A built-in architecture: post its {@code spec} to create it. */
public record Preset(String name, String description, JsonNode spec, Analysis analysis) {}
