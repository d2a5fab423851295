package io.kernelwise.training;

/**
 * The learning rate as a pure function of the step, so a resumed run needs no tracker state. See
 * {@link Hyperparameters.Schedule} for the schedules.
 */
record LearningRates(
    double base, Hyperparameters.Schedule schedule, int epochs, long stepsPerEpoch) {
  /** One-cycle starts at base / 25 and ends at base / 10^4 (the values of Smith's recipe). */
  static final double ONE_CYCLE_START = 1 / 25.0;

  static final double ONE_CYCLE_END = 1e-4;

  /** Rate for the 0-based global step {@code step} of the (1-based) {@code epoch}. */
  double at(int epoch, long step) {
    long total = epochs * stepsPerEpoch;
    long warmup = schedule.warmupEpochs() * stepsPerEpoch;
    return switch (schedule.type()) {
      case "step" -> base * Math.pow(schedule.gamma(), (epoch - 1) / schedule.stepEpochs());
      case "cosine" -> {
        if (step < warmup) {
          yield base * (step + 1) / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        yield base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
      }
      case "linear" -> {
        if (step < warmup) {
          yield base * (step + 1) / warmup;
        }
        // the last step still moves the weights: base / (steps after the warm-up)
        yield base * Math.max(0, total - step) / Math.max(1, total - warmup);
      }
      case "onecycle" -> {
        long rise = warmup > 0 ? warmup : Math.max(1, Math.round(0.3 * total));
        if (step < rise) {
          double t = (double) step / rise;
          yield base * (ONE_CYCLE_START + (1 - ONE_CYCLE_START) * t);
        }
        double progress = Math.min(1.0, (double) (step - rise) / Math.max(1, total - 1 - rise));
        double end = base * ONE_CYCLE_END;
        yield end + (base - end) * 0.5 * (1 + Math.cos(Math.PI * progress));
      }
      default -> base;
    };
  }
}
