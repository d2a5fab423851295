package io.kernelwise.training;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where jobs, their metrics and their events live (the database shared by every instance). State
 * changes are compare-and-set on the current state, checked by {@link JobState#checkMoveTo}; writes
 * made while a job runs are fenced by its {@code attempt} so a superseded worker cannot overwrite
 * the current one.
 */
public interface JobStore {
  void insert(Job job);

  Optional<Job> find(String id);

  List<Job> list(JobState state, int offset, int limit);

  long count(JobState state);

  Map<JobState, Long> countByState();

  /** 1-based position among QUEUED jobs (oldest queued first); 0 when the job is not QUEUED. */
  long queuePosition(String id);

  /**
   * Moves a job from {@code from} to {@code to} if it is still in {@code from}; false otherwise.
   * Throws {@link JobState.IllegalTransitionException} for a transition the machine forbids.
   */
  boolean transition(String id, JobState from, JobState to, Instant now, Outcome outcome);

  /**
   * RUNNING → {@code to} if {@code attempt} is still the job's attempt: how a run ends, so a
   * superseded run cannot end the job another attempt is running.
   */
  boolean finish(String id, int attempt, JobState to, Instant now, Outcome outcome);

  /** Fields written with a transition; null members leave the column as it is. */
  record Outcome(String error, String modelId, Double testAccuracy, Double progress) {
    public static final Outcome NONE = new Outcome(null, null, null, null);

    public static Outcome error(String error) {
      return new Outcome(error, null, null, null);
    }
  }

  /**
   * QUEUED → RUNNING for a new attempt by {@code worker}; returns the attempt number, or empty when
   * the job is not runnable (not QUEUED, or cancel requested).
   */
  Optional<Integer> startAttempt(String id, String worker, Instant now);

  /** Records that {@code attempt} resumed after {@code epoch}; false if the attempt is stale. */
  boolean markResumed(String id, int attempt, int epoch, Instant now);

  /**
   * The precision (fp32 | bf16) the attempt computes in, {@code auto} resolved; false if {@code
   * attempt} is no longer the job's attempt.
   */
  boolean recordPrecision(String id, int attempt, String precision, Instant now);

  /** Current epoch and progress; false if {@code attempt} is no longer the job's attempt. */
  boolean updateProgress(String id, int attempt, int epoch, double progress, Instant now);

  /** Sets the cancel flag of a QUEUED or RUNNING job; false when it already ended. */
  boolean requestCancel(String id, Instant now);

  /** What a running attempt polls: the cancel flag and whether it is still the current attempt. */
  Optional<RunFlags> runFlags(String id);

  record RunFlags(JobState state, boolean cancelRequested, int attempts) {}

  /** Inserts or replaces the row of {@code metrics.epoch()}: exactly one row per epoch. */
  void upsertEpoch(String id, EpochMetrics metrics, Instant now);

  void upsertStep(String id, StepMetrics step, Instant now);

  /** Epoch rows with {@code epoch > sinceEpoch}, in order. */
  List<EpochMetrics> epochs(String id, int sinceEpoch);

  /** Step rows of epochs {@code > sinceEpoch}, in order. */
  List<StepMetrics> steps(String id, int sinceEpoch);

  void appendEvent(String id, String type, String dataJson, Instant now);

  /** Events with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
  List<JobEvent> events(String id, long afterSeq, int limit);
}
