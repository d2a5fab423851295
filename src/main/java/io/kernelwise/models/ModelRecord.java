package io.kernelwise.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored model: its database row. The files live in the {@link ModelStore} under {@code id}.
 * {@code version} numbers the models sharing a {@code name} (1, 2, ... in registration order, never
 * reused); it is assigned when the row is inserted.
 */
public record ModelRecord(
    String id,
    String name,
    String architectureId,
    String datasetId,
    String jobId,
    List<String> classes,
    int channels,
    int height,
    int width,
    Normalization normalization,
    Map<String, Double> metrics,
    long artifactBytes,
    Instant createdAt,
    int version) {

  public ModelRecord {
    classes = List.copyOf(classes);
    metrics = Map.copyOf(metrics);
  }

  /** Per-channel mean and standard deviation on the 0..1 scale. */
  public record Normalization(float[] mean, float[] std) {}
}
