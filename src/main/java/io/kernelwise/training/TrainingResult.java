package io.kernelwise.training;

import java.nio.file.Path;
import java.util.List;

/**
 * How a run ended. {@code parameters} is the final block's parameter file (DJL {@code
 * Block#saveParameters}), null when cancelled. {@code resumedFromEpoch} is 0 for a fresh start.
 * {@code precision} is the one the run computed in (fp32 | bf16).
 */
public record TrainingResult(
    boolean cancelled,
    boolean stoppedEarly,
    int resumedFromEpoch,
    List<EpochMetrics> epochs,
    Double testAccuracy,
    Path parameters,
    String precision) {

  /** An fp32 run. */
  public TrainingResult(
      boolean cancelled,
      boolean stoppedEarly,
      int resumedFromEpoch,
      List<EpochMetrics> epochs,
      Double testAccuracy,
      Path parameters) {
    this(cancelled, stoppedEarly, resumedFromEpoch, epochs, testAccuracy, parameters, "fp32");
  }
}
