package io.kernelwise.experiments;

import java.time.Instant;
import java.util.List;

/**
 * A stored experiment: the architectures it compares, in order, each with the job that trains it.
 *
 * @param hyperparametersJson the jobs' hyperparameters with every default filled in
 * @param device the device the jobs were submitted for (resolved, e.g. {@code cpu})
 */
record Experiment(
    String id,
    String name,
    String datasetId,
    String device,
    String hyperparametersJson,
    String baseArchitectureId,
    Instant createdAt,
    Instant cancelRequestedAt,
    List<Entry> entries) {

  Experiment {
    entries = List.copyOf(entries);
  }

  /**
   * One compared architecture; name and costs as they were when its job was submitted.
   *
   * @param transform the transform that derived it ({@code factorize}, {@code bottleneck:4}), null
   *     for an architecture that is not a variant
   */
  record Entry(
      String architectureId,
      String architectureName,
      String transform,
      long trainableParameters,
      long macs,
      List<Long> receptiveField,
      String jobId) {
    Entry {
      receptiveField = List.copyOf(receptiveField);
    }
  }
}
