package io.kernelwise.training;

import java.util.Optional;

/**
 * Early stopping's state across epochs: the best value of the watched metric and the epochs since
 * it last improved. Restored from a checkpoint, so a resumed run stops where the original would.
 */
final class EarlyStopping {
  private final Hyperparameters.EarlyStopping rule;
  private final boolean maximize;
  private double best;
  private int badEpochs;

  EarlyStopping(Hyperparameters.EarlyStopping rule, Optional<Checkpoints.State> resumed) {
    this.rule = rule;
    this.maximize = rule == null || !"valLoss".equals(rule.metric());
    this.best =
        resumed
            .map(Checkpoints.State::best)
            .orElse(maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    this.badEpochs = resumed.map(Checkpoints.State::badEpochs).orElse(0);
  }

  /** Takes an epoch's metrics into account. */
  void record(EpochMetrics metrics) {
    if (rule == null) {
      return;
    }
    double value = maximize ? metrics.valAccuracy() : metrics.valLoss();
    if (maximize ? value > best : value < best) {
      best = value;
      badEpochs = 0;
    } else {
      badEpochs++;
    }
  }

  /** True once the metric has not improved for {@code patience} epochs (also right on resume). */
  boolean stopped() {
    return rule != null && badEpochs >= rule.patience();
  }

  double best() {
    return best;
  }

  int badEpochs() {
    return badEpochs;
  }
}
