package io.kernelwise.training;

import java.util.List;

/** {@code GET /jobs/{id}/metrics}: epoch rows and step rows after {@code sinceEpoch}. */
record JobMetricsView(
    String jobId, JobState state, List<EpochMetrics> epochs, List<StepMetrics> steps) {}
