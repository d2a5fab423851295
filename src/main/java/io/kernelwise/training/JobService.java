package io.kernelwise.training;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Submitting, reading and cancelling jobs; the REST controller's only collaborator. */
public class JobService {
  private final JobStore store;
  private final JobEvents events;
  private final JobSubmission submission;
  private final TrainingQueue queue;
  private final ObjectMapper json;
  private final Clock clock;

  JobService(
      JobStore store,
      JobEvents events,
      JobSubmission submission,
      TrainingQueue queue,
      ObjectMapper json,
      Clock clock) {
    this.store = store;
    this.events = events;
    this.submission = submission;
    this.queue = queue;
    this.json = json;
    this.clock = clock;
  }

  /** Validates (nothing is stored on a bad request), stores the job QUEUED and enqueues it. */
  public JobView submit(JsonNode body) {
    return submit(validate(body));
  }

  /**
   * A {@code POST /jobs} body checked like {@link #submit(JsonNode)} does, nothing stored: callers
   * that submit several jobs together (experiments) validate all of them before storing any.
   */
  public Validated validate(JsonNode body) {
    return new Validated(submission.validate(body));
  }

  /** A submission that passed {@link #validate}; {@link #submit(Validated)} stores it. */
  public static final class Validated {
    private final JobSubmission.Valid valid;

    private Validated(JobSubmission.Valid valid) {
      this.valid = valid;
    }

    public String architectureId() {
      return valid.architectureId();
    }

    public Hyperparameters hyperparameters() {
      return valid.hyperparameters();
    }

    public String device() {
      return valid.device();
    }
  }

  /** Stores a validated job QUEUED and enqueues it. */
  public JobView submit(Validated validated) {
    JobSubmission.Valid v = validated.valid;
    Instant now = clock.instant();
    String id = "j-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Job job =
        Job.queued(
            id,
            v.architectureId(),
            v.spec().name(),
            submission.specJson(v.spec()),
            v.datasetId(),
            json.writeValueAsString(v.hyperparameters()),
            v.device(),
            v.hyperparameters().epochs(),
            now);
    store.insert(job);
    events.state(id, JobState.QUEUED, null, Map.of());
    queue.enqueue(id, now);
    return view(get(id));
  }

  public JobView find(String id) {
    return view(get(id));
  }

  Page<JobView> list(JobState state, int page, int size) {
    int offset = Page.offset(page, size);
    List<JobView> items = store.list(state, offset, size).stream().map(this::view).toList();
    return new Page<>(items, page, size, store.count(state));
  }

  /**
   * QUEUED → CANCELLED at once; RUNNING → the flag the engine polls, CANCELLED within one step. 409
   * for a job that already ended.
   */
  public JobView cancel(String id) {
    Job job = get(id);
    if (job.state().terminal()) {
      throw ApiException.conflict("job '" + id + "' already ended " + job.state());
    }
    Instant now = clock.instant();
    if (!store.requestCancel(id, now)) {
      throw ApiException.conflict("job '" + id + "' already ended " + get(id).state());
    }
    if (store.transition(id, JobState.QUEUED, JobState.CANCELLED, now, JobStore.Outcome.NONE)) {
      queue.dequeue(id);
      events.state(id, JobState.CANCELLED, "cancelled while queued", Map.of());
    } else {
      events.append(id, JobEvents.CANCEL_REQUESTED, Map.of("jobId", id));
    }
    return view(get(id));
  }

  /** Every epoch row of a job, in order (none for an unknown job). */
  public List<EpochMetrics> epochs(String id) {
    return store.epochs(id, 0);
  }

  JobMetricsView metrics(String id, int sinceEpoch) {
    Job job = get(id);
    return new JobMetricsView(
        id, job.state(), store.epochs(id, sinceEpoch), store.steps(id, sinceEpoch));
  }

  Job get(String id) {
    return store.find(id).orElseThrow(() -> ApiException.notFound("job", id));
  }

  JobView view(Job j) {
    Long position = j.state() == JobState.QUEUED ? store.queuePosition(j.id()) : null;
    return new JobView(
        j.id(),
        j.state(),
        j.progress(),
        j.epoch(),
        j.epochs(),
        position,
        j.device(),
        j.architectureId(),
        j.architectureName(),
        j.datasetId(),
        json.readValue(j.hyperparametersJson(), Hyperparameters.class),
        j.createdAt(),
        j.startedAt(),
        j.finishedAt(),
        j.error(),
        j.modelId(),
        j.testAccuracy(),
        j.attempts(),
        j.resumedFromEpoch(),
        j.cancelRequested(),
        j.worker(),
        j.precision());
  }
}
