package io.kernelwise.training;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of a training job and the only place that says which transitions are allowed:
 * {@code QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED}, {@code QUEUED -> CANCELLED}, and
 * {@code RUNNING -> QUEUED} when the instance running it died or shut down (the job is revived and
 * resumes from its last checkpoint).
 */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  private static final Map<JobState, Set<JobState>> ALLOWED =
      Map.of(
          QUEUED, EnumSet.of(RUNNING, CANCELLED),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED),
          SUCCEEDED, EnumSet.noneOf(JobState.class),
          FAILED, EnumSet.noneOf(JobState.class),
          CANCELLED, EnumSet.noneOf(JobState.class));

  /** The states a job may move to {@code to} from: what a compare-and-set on the state accepts. */
  public static Set<JobState> sourcesOf(JobState to) {
    Set<JobState> from = EnumSet.noneOf(JobState.class);
    for (JobState s : values()) {
      if (s.canMoveTo(to)) {
        from.add(s);
      }
    }
    return from;
  }

  public boolean canMoveTo(JobState next) {
    return ALLOWED.get(this).contains(next);
  }

  public boolean terminal() {
    return ALLOWED.get(this).isEmpty();
  }

  /** Throws {@link IllegalTransitionException} unless {@code this -> next} is allowed. */
  public void checkMoveTo(JobState next) {
    if (!canMoveTo(next)) {
      throw new IllegalTransitionException(this, next);
    }
  }

  /** A transition the state machine does not allow. */
  public static class IllegalTransitionException extends IllegalStateException {
    public IllegalTransitionException(JobState from, JobState to) {
      super("a job cannot go from " + from + " to " + to);
    }
  }
}
