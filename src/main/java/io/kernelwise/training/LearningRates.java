package io.kernelwise.training;

/**
 * The learning rate as a pure function of the step, so a resumed run needs no tracker state. step:
 * multiplied by {@code gamma} every {@code stepEpochs}; cosine: linear warm-up over {@code
 * warmupEpochs}, then cosine to 0 over the remaining steps.
 */
record LearningRates(
    double base, Hyperparameters.Schedule schedule, int epochs, long stepsPerEpoch) {

  /** Rate for the 0-based global step {@code step} of the (1-based) {@code epoch}. */
  double at(int epoch, long step) {
    return switch (schedule.type()) {
      case "step" -> base * Math.pow(schedule.gamma(), (epoch - 1) / schedule.stepEpochs());
      case "cosine" -> {
        long warmup = schedule.warmupEpochs() * stepsPerEpoch;
        long total = epochs * stepsPerEpoch;
        if (step < warmup) {
          yield base * (step + 1) / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        yield base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
      }
      default -> base;
    };
  }
}
