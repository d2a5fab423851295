package io.kernelwise.models;

/** Published after a model's row is deleted, so serving can unload it. */
public record ModelDeleted(String modelId) {}
