package io.kernelwise.training;

import ai.djl.Device;
import io.kernelwise.architecture.ArchitectureCatalog;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.datasets.DatasetTensors;
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.NewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs one claimed job: moves it to RUNNING under a new attempt, trains it through the {@link
 * TrainingEngine} (which resumes from the job's checkpoint directory), stores metrics and events as
 * the engine reports them, and ends it SUCCEEDED (with a registered model), FAILED or CANCELLED.
 * Every write made while training is fenced by the attempt number: if the job was revived elsewhere
 * this run stops at its next step and writes nothing more.
 */
public class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final JobStore store;
  private final JobEvents events;
  private final TrainingEngine engine;
  private final DatasetTensors datasets;
  private final ArchitectureCatalog catalog;
  private final ModelRegistry registry;
  private final Function<String, Device> devices;
  private final TrainingMetrics metrics;
  private final ObjectMapper json;
  private final Path dataDir;
  private final Duration cancelPoll;
  private final Clock clock;

  public JobRunner(
      JobStore store,
      JobEvents events,
      TrainingEngine engine,
      DatasetTensors datasets,
      ArchitectureCatalog catalog,
      ModelRegistry registry,
      Function<String, Device> devices,
      TrainingMetrics metrics,
      ObjectMapper json,
      Path dataDir,
      Duration cancelPoll,
      Clock clock) {
    this.store = store;
    this.events = events;
    this.engine = engine;
    this.datasets = datasets;
    this.catalog = catalog;
    this.registry = registry;
    this.devices = devices;
    this.metrics = metrics;
    this.json = json;
    this.dataDir = dataDir;
    this.cancelPoll = cancelPoll;
    this.clock = clock;
  }

  /** Where a job's engine keeps its epoch checkpoints. */
  public static Path checkpointDir(Path dataDir, String jobId) {
    return dataDir.resolve("jobs").resolve(jobId).resolve("checkpoints");
  }

  /** Thrown when this instance stopped a run for shutdown; the job went back to QUEUED. */
  static final class InterruptedByShutdown extends RuntimeException {
    InterruptedByShutdown(String jobId) {
      super("job " + jobId + " interrupted by shutdown; it resumes from its last checkpoint");
    }
  }

  /**
   * Runs the job; {@code shuttingDown} is polled with the cancel flag. Throws {@link
   * InterruptedByShutdown} when the run was stopped for shutdown.
   */
  public void run(String jobId, String worker, BooleanSupplier shuttingDown) {
    Job before = store.find(jobId).orElse(null);
    if (before == null || before.state().terminal()) {
      return; // deleted or already ended (e.g. cancelled while queued)
    }
    if (before.state() == JobState.RUNNING
        && store.transition(
            jobId, JobState.RUNNING, JobState.QUEUED, clock.instant(), JobStore.Outcome.NONE)) {
      // executed again while still RUNNING (its last execution failed without ending it): back
      // to QUEUED first, as the state machine says, then a new attempt
      events.state(
          jobId,
          JobState.QUEUED,
          "re-queued: its previous execution ended without finishing it; resumes from its last"
              + " checkpoint",
          Map.of());
    }
    var attemptOrEmpty = store.startAttempt(jobId, worker, clock.instant());
    if (attemptOrEmpty.isEmpty()) {
      // Not runnable: cancel requested while it waited (or while it was being revived).
      boolean cancel = store.runFlags(jobId).map(JobStore.RunFlags::cancelRequested).orElse(false);
      if (cancel
          && store.transition(
              jobId, JobState.QUEUED, JobState.CANCELLED, clock.instant(), JobStore.Outcome.NONE)) {
        events.state(jobId, JobState.CANCELLED, "cancelled before it (re)started", Map.of());
      }
      return;
    }
    int attempt = attemptOrEmpty.get();
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("attempt", attempt);
    extra.put("worker", worker);
    if (attempt > 1) {
      extra.put("lastRecordedEpoch", before.epoch());
    }
    events.state(
        jobId,
        JobState.RUNNING,
        attempt > 1 ? "attempt " + attempt + ": resuming from the last checkpoint" : null,
        extra);
    Listener listener = new Listener(jobId, attempt, before.epochs(), shuttingDown);
    try {
      train(jobId, worker, attempt, before, listener, shuttingDown);
    } finally {
      metrics.forget(jobId); // ended, superseded or handed back: its series go
    }
  }

  private void train(
      String jobId,
      String worker,
      int attempt,
      Job before,
      Listener listener,
      BooleanSupplier shuttingDown) {
    try {
      ArchitectureSpec spec = catalog.stored(json.readTree(before.specJson()));
      Hyperparameters hp = json.readValue(before.hyperparametersJson(), Hyperparameters.class);
      Device device = devices.apply(before.device());
      LoadedDataset data = datasets.load(before.datasetId());
      Path checkpoints = checkpointDir(dataDir, jobId);
      Files.createDirectories(checkpoints);
      TrainingResult result =
          engine.train(new TrainingRequest(jobId, spec, data, hp, device, checkpoints), listener);
      if (listener.superseded) {
        log.warn(
            "job {} attempt {} was superseded by a newer attempt; dropping its result",
            jobId,
            attempt);
        return;
      }
      if (result.cancelled()) {
        if (listener.cancelSeen || !shuttingDown.getAsBoolean()) {
          if (finish(
              jobId, attempt, JobState.CANCELLED, "cancelled by request", JobStore.Outcome.NONE)) {
            deleteCheckpoints(jobId);
          }
          return;
        }
        if (store.transition(
            jobId, JobState.RUNNING, JobState.QUEUED, clock.instant(), JobStore.Outcome.NONE)) {
          events.state(
              jobId,
              JobState.QUEUED,
              "interrupted by shutdown of " + worker + "; resumes from its last checkpoint",
              Map.of());
        }
        throw new InterruptedByShutdown(jobId);
      }
      if (listener.supersededNow()) {
        return; // revived elsewhere after the last step: that attempt registers the model
      }
      String modelId = register(before, spec, data, result);
      Double testAccuracy = result.testAccuracy();
      if (!finish(
          jobId,
          attempt,
          JobState.SUCCEEDED,
          result.stoppedEarly() ? "stopped early" : null,
          new JobStore.Outcome(null, modelId, testAccuracy, 1.0))) {
        // superseded between registration and the fenced finish: the model is no job's
        log.warn("job {} attempt {} was superseded; discarding model {}", jobId, attempt, modelId);
        registry.discard(modelId);
        return;
      }
      deleteCheckpoints(jobId); // the registry copied the parameters into the model store
    } catch (InterruptedByShutdown e) {
      throw e;
    } catch (Exception e) {
      fail(jobId, attempt, listener, e);
    } catch (Error e) {
      // record why, then let it go: an OutOfMemoryError must reach ExitOnOutOfMemoryError (and
      // the queue), not leave this JVM training on in an unknown state
      try {
        fail(jobId, attempt, listener, e);
      } catch (RuntimeException | Error recording) {
        e.addSuppressed(recording);
      }
      throw e;
    }
  }

  private void fail(String jobId, int attempt, Listener listener, Throwable e) {
    if (listener.superseded) {
      return;
    }
    log.warn("job {} failed", jobId, e);
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    finish(jobId, attempt, JobState.FAILED, message, JobStore.Outcome.error(message));
  }

  /** Checkpoints only serve resuming; a FAILED job keeps them for inspection. */
  private void deleteCheckpoints(String jobId) {
    Path dir = dataDir.resolve("jobs").resolve(jobId);
    try {
      org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    } catch (java.io.IOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  private boolean finish(
      String jobId, int attempt, JobState to, String detail, JobStore.Outcome outcome) {
    if (!store.finish(jobId, attempt, to, clock.instant(), outcome)) {
      return false;
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    if (outcome.modelId() != null) {
      extra.put("modelId", outcome.modelId());
    }
    if (outcome.testAccuracy() != null) {
      extra.put("testAccuracy", outcome.testAccuracy());
    }
    if (outcome.error() != null) {
      extra.put("error", outcome.error());
    }
    events.state(jobId, to, outcome.error() == null ? detail : null, extra);
    return true;
  }

  private String register(
      Job job, ArchitectureSpec spec, LoadedDataset data, TrainingResult result) {
    Map<String, Double> finalMetrics = new LinkedHashMap<>();
    List<EpochMetrics> epochs = store.epochs(job.id(), 0);
    if (!epochs.isEmpty()) {
      EpochMetrics last = epochs.get(epochs.size() - 1);
      finalMetrics.put("epochs", (double) last.epoch());
      finalMetrics.put("trainLoss", last.trainLoss());
      finalMetrics.put("trainAccuracy", last.trainAccuracy());
      if (last.valLoss() != null) {
        finalMetrics.put("valLoss", last.valLoss());
      }
      if (last.valAccuracy() != null) {
        finalMetrics.put("valAccuracy", last.valAccuracy());
      }
      finalMetrics.put("imagesPerSecond", last.imagesPerSecond());
    }
    if (result.testAccuracy() != null) {
      finalMetrics.put("testAccuracy", result.testAccuracy());
    }
    String name = (job.architectureName() == null ? spec.name() : job.architectureName());
    return registry.register(
        new NewModel(
            name + " on " + data.name(),
            job.architectureId(),
            job.datasetId(),
            job.id(),
            catalog.toJson(spec),
            data.classes(),
            data.channels(),
            data.height(),
            data.width(),
            data.mean(),
            data.std(),
            finalMetrics,
            result.parameters(),
            result.precision()));
  }

  /** The engine's view of the job: writes metrics and events, answers "should I stop?". */
  private final class Listener implements TrainingListener {
    private final String jobId;
    private final int attempt;
    private final int epochs;
    private final BooleanSupplier shuttingDown;
    private Instant polledAt = Instant.MIN;
    private boolean firstStep = true;
    volatile boolean superseded;
    volatile boolean cancelSeen;

    Listener(String jobId, int attempt, int epochs, BooleanSupplier shuttingDown) {
      this.jobId = jobId;
      this.attempt = attempt;
      this.epochs = epochs;
      this.shuttingDown = shuttingDown;
    }

    @Override
    public void onStart(String precision) {
      if (!superseded && !store.recordPrecision(jobId, attempt, precision, clock.instant())) {
        superseded = true;
      }
    }

    @Override
    public void onStep(StepMetrics step) {
      if (superseded) {
        return;
      }
      Instant now = clock.instant();
      if (firstStep) {
        firstStep = false;
        reportResume(step.epoch() - 1, now);
      }
      double within =
          step.stepsPerEpoch() > 0 ? Math.min(1.0, (double) step.step() / step.stepsPerEpoch()) : 0;
      double progress = clamp((step.epoch() - 1 + within) / epochs);
      if (!store.updateProgress(jobId, attempt, step.epoch(), progress, now)) {
        superseded = true;
        return;
      }
      store.upsertStep(jobId, step, now);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("progress", progress);
      data.put("epoch", step.epoch());
      data.put("epochs", epochs);
      data.put("step", step.step());
      data.put("stepsPerEpoch", step.stepsPerEpoch());
      data.put("loss", step.loss());
      data.put("accuracy", step.accuracy());
      data.put("learningRate", step.learningRate());
      data.put("imagesPerSecond", step.imagesPerSecond());
      events.append(jobId, JobEvents.STEP, data);
      metrics.step(jobId, step);
    }

    /** The first report of a new attempt shows where the engine restarted: visible at once. */
    private void reportResume(int fromEpoch, Instant now) {
      if (attempt == 1 && fromEpoch == 0) {
        return;
      }
      if (store.markResumed(jobId, attempt, fromEpoch, now)) {
        events.append(
            jobId,
            JobEvents.RESUMED,
            Map.of(
                "attempt",
                attempt,
                "fromEpoch",
                fromEpoch,
                "detail",
                fromEpoch == 0
                    ? "no checkpoint: restarted at epoch 1"
                    : "resumed from the checkpoint of epoch " + fromEpoch));
      }
    }

    @Override
    public void onEpoch(EpochMetrics epoch) {
      if (superseded) {
        return;
      }
      Instant now = clock.instant();
      if (firstStep) {
        firstStep = false;
        reportResume(epoch.epoch() - 1, now);
      }
      double progress = clamp((double) epoch.epoch() / epochs);
      if (!store.updateProgress(jobId, attempt, epoch.epoch(), progress, now)) {
        superseded = true;
        return;
      }
      store.upsertEpoch(jobId, epoch, now); // idempotent: a re-run epoch replaces its row
      events.append(jobId, JobEvents.EPOCH, epoch);
      metrics.epoch(jobId, epoch);
    }

    /** Asks the database now (not at the poll interval) whether this is still the attempt. */
    boolean supersededNow() {
      var flags = store.runFlags(jobId).orElse(null);
      if (flags == null || flags.attempts() != attempt || flags.state() != JobState.RUNNING) {
        superseded = true;
      }
      return superseded;
    }

    @Override
    public boolean cancelRequested() {
      if (superseded || cancelSeen || shuttingDown.getAsBoolean()) {
        return true;
      }
      Instant now = clock.instant();
      if (!now.isBefore(polledAt.plus(cancelPoll))) {
        polledAt = now;
        var flags = store.runFlags(jobId).orElse(null);
        if (flags == null || flags.attempts() != attempt || flags.state() != JobState.RUNNING) {
          superseded = true;
        } else if (flags.cancelRequested()) {
          cancelSeen = true;
        }
      }
      return superseded || cancelSeen;
    }
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
