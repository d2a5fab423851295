package io.kernelwise.training;

/** Metrics of one finished epoch (SPEC "metrics"); val* are null when nothing was held out. */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    Double valLoss,
    Double valAccuracy,
    double learningRate,
    double imagesPerSecond,
    double seconds) {}
