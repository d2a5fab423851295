package io.kernelwise.training;

import java.time.Instant;

/** A stored training job, as the {@link JobStore} reads it. */
public record Job(
    String id,
    JobState state,
    String architectureId,
    String architectureName,
    String specJson,
    String datasetId,
    String hyperparametersJson,
    String device,
    int epoch,
    int epochs,
    double progress,
    Instant createdAt,
    Instant queuedAt,
    Instant startedAt,
    Instant finishedAt,
    String error,
    String modelId,
    int attempts,
    int resumes,
    Integer resumedFromEpoch,
    String worker,
    boolean cancelRequested,
    Double testAccuracy,
    String precision) {

  /** A new QUEUED job. */
  public static Job queued(
      String id,
      String architectureId,
      String architectureName,
      String specJson,
      String datasetId,
      String hyperparametersJson,
      String device,
      int epochs,
      Instant now) {
    return new Job(
        id,
        JobState.QUEUED,
        architectureId,
        architectureName,
        specJson,
        datasetId,
        hyperparametersJson,
        device,
        0,
        epochs,
        0,
        now,
        now,
        null,
        null,
        null,
        null,
        0,
        0,
        null,
        null,
        false,
        null,
        null);
  }
}
