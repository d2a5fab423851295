package io.kernelwise.training;

import java.nio.file.Path;
import java.util.List;

/**
 * How a run ended. {@code parameters} is the final block's parameter file (DJL {@code
 * Block#saveParameters}), null when cancelled. {@code resumedFromEpoch} is 0 for a fresh start.
 */
public record TrainingResult(
    boolean cancelled,
    boolean stoppedEarly,
    int resumedFromEpoch,
    List<EpochMetrics> epochs,
    Double testAccuracy,
    Path parameters) {}
