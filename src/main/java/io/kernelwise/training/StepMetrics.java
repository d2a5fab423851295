package io.kernelwise.training;

/** Running metrics reported every N steps inside an epoch. */
public record StepMetrics(
    int epoch,
    long step,
    long stepsPerEpoch,
    double loss,
    double accuracy,
    double learningRate,
    double imagesPerSecond) {}
