package io.kernelwise.experiments;

import io.kernelwise.training.JobState;
import java.util.Collection;

/** An experiment's state, derived from its jobs' states (never stored, so never stale). */
public enum ExperimentState {
  /** At least one job is QUEUED or RUNNING. */
  RUNNING,
  /** Every job SUCCEEDED. */
  SUCCEEDED,
  /** Every job ended and at least one FAILED. */
  FAILED,
  /** Every job ended, none FAILED, at least one was CANCELLED. */
  CANCELLED;

  static ExperimentState of(Collection<JobState> jobs) {
    if (jobs.stream().anyMatch(s -> !s.terminal())) {
      return RUNNING;
    }
    if (jobs.contains(JobState.FAILED)) {
      return FAILED;
    }
    return jobs.contains(JobState.CANCELLED) ? CANCELLED : SUCCEEDED;
  }
}
