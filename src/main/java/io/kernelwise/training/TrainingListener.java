package io.kernelwise.training;

/**
 * How the training loop reports progress and learns it must stop. Called on the training thread.
 */
public interface TrainingListener {
  /** The run starts (or resumes) computing in {@code precision} (fp32 | bf16), auto resolved. */
  default void onStart(String precision) {}

  void onStep(StepMetrics step);

  /**
   * An epoch finished. Called after its metrics are computed and before its checkpoint is written,
   * so a crash in between re-runs the epoch: implementations store per-epoch rows idempotently.
   */
  void onEpoch(EpochMetrics epoch);

  /** Polled before every training step; true stops the run within one step. */
  boolean cancelRequested();
}
