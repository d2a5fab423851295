package io.kernelwise.training;

import io.swagger.v3.oas.annotations.media.Schema;

/** Metrics of one finished epoch (SPEC "metrics"); val* are null when nothing was held out. */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    @Schema(description = "null when nothing was held out", nullable = true) Double valLoss,
    @Schema(description = "null when nothing was held out", nullable = true) Double valAccuracy,
    double learningRate,
    double imagesPerSecond,
    double seconds) {}
