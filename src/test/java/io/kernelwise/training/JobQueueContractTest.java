package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job repository and the db-scheduler queue against a real database; subclasses run it on H2
 * (PostgreSQL mode) and on PostgreSQL. Uses the deterministic {@link FakeTrainingEngine}: these
 * tests are about states, claims, revival and metrics rows, not about learning.
 */
abstract class JobQueueContractTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Clock CLOCK = Clock.systemUTC();

  /** A migrated, empty database, the same for the whole class. */
  abstract DataSource dataSource();

  @TempDir Path dataDir;
  JdbcJobStore store;
  JobEvents events;
  JdbcClient jdbc;
  final FakeTrainingEngine engine = new FakeTrainingEngine(4, 25);
  final FakeRegistry registry = new FakeRegistry();
  final List<TrainingQueue> queues = new ArrayList<>();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void cleanDatabase() {
    jdbc = JdbcClient.create(dataSource());
    for (String table :
        List.of("scheduled_tasks", "job_events", "job_steps", "job_epochs", "jobs")) {
      jdbc.sql("delete from " + table).update();
    }
    store = new JdbcJobStore(dataSource());
    events = new JobEvents(store, JSON, CLOCK);
  }

  @AfterEach
  void stopQueues() {
    queues.forEach(TrainingQueue::stop);
  }

  JobRunner runner(TrainingEngine engine, FakeRegistry registry) {
    return runner(engine, registry, new FakeCatalog());
  }

  JobRunner runner(
      TrainingEngine engine,
      FakeRegistry registry,
      io.kernelwise.architecture.ArchitectureCatalog catalog) {
    return new JobRunner(
        store,
        events,
        engine,
        new FakeDatasets(),
        catalog,
        registry,
        d -> Device.cpu(),
        new TrainingMetrics(meters, store, CLOCK),
        JSON,
        dataDir,
        Duration.ofMillis(100),
        CLOCK);
  }

  TrainingQueue queue(String name, Duration heartbeat) {
    return queue(name, heartbeat, true);
  }

  TrainingQueue queue(String name, Duration heartbeat, boolean worker) {
    JobRunner runner = runner(engine, registry);
    TrainingQueue q =
        new TrainingQueue(
            dataSource(),
            runner,
            store,
            events,
            name,
            1,
            heartbeat,
            Duration.ofMillis(100),
            worker,
            CLOCK);
    queues.add(q);
    return q;
  }

  Job newJob(int epochs) {
    String id = "j-" + UUID.randomUUID().toString().substring(0, 8);
    String hp =
        JSON.writeValueAsString(
            new Hyperparameters(epochs, 8, null, null, null, null, null, null).withDefaults());
    return Job.queued(
        id,
        FakeCatalog.STORED,
        "tiny",
        "{\"name\":\"tiny\",\"classes\":10}",
        FakeDatasets.READY,
        hp,
        "cpu",
        epochs,
        CLOCK.instant());
  }

  Job submit(TrainingQueue queue, int epochs) {
    Job job = newJob(epochs);
    store.insert(job);
    events.state(job.id(), JobState.QUEUED, null, java.util.Map.of());
    queue.enqueue(job.id(), job.queuedAt());
    return job;
  }

  Job job(String id) {
    return store.find(id).orElseThrow();
  }

  static void await(String what, Duration timeout, Supplier<Boolean> condition)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  List<JsonNode> eventData(String id, String type) {
    return store.events(id, 0, 10_000).stream()
        .filter(e -> e.type().equals(type))
        .map(e -> JSON.readTree(e.dataJson()))
        .toList();
  }

  // ---- repository ---------------------------------------------------------------------------

  @Test
  void insertsAndReadsBackAJob() {
    Job job = newJob(3);
    store.insert(job);
    Job read = job(job.id());
    assertThat(read.state()).isEqualTo(JobState.QUEUED);
    assertThat(read.epochs()).isEqualTo(3);
    assertThat(read.specJson()).isEqualTo(job.specJson());
    assertThat(read.createdAt()).isCloseTo(job.createdAt(), within());
    assertThat(read.startedAt()).isNull();
    assertThat(store.find("nope")).isEmpty();
  }

  private static org.assertj.core.data.TemporalUnitOffset within() {
    return new org.assertj.core.data.TemporalUnitWithinOffset(
        1, java.time.temporal.ChronoUnit.MILLIS);
  }

  @Test
  void transitionsAreCompareAndSetAndIllegalOnesChangeNothing() {
    Job job = newJob(3);
    store.insert(job);
    Instant now = CLOCK.instant();
    assertThatThrownBy(
            () ->
                store.transition(
                    job.id(), JobState.QUEUED, JobState.SUCCEEDED, now, JobStore.Outcome.NONE))
        .isInstanceOf(JobState.IllegalTransitionException.class);
    assertThat(job(job.id()).state()).isEqualTo(JobState.QUEUED);
    // Wrong current state: the CAS does not apply.
    assertThat(
            store.transition(
                job.id(), JobState.RUNNING, JobState.FAILED, now, JobStore.Outcome.error("x")))
        .isFalse();
    assertThat(job(job.id()).state()).isEqualTo(JobState.QUEUED);
    assertThat(store.startAttempt(job.id(), "w", now)).contains(1);
    assertThat(
            store.transition(
                job.id(), JobState.RUNNING, JobState.FAILED, now, JobStore.Outcome.error("boom")))
        .isTrue();
    Job failed = job(job.id());
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error()).isEqualTo("boom");
    assertThat(failed.finishedAt()).isNotNull();
    assertThatThrownBy(
            () ->
                store.transition(
                    job.id(), JobState.FAILED, JobState.RUNNING, now, JobStore.Outcome.NONE))
        .isInstanceOf(JobState.IllegalTransitionException.class);
    assertThat(store.startAttempt(job.id(), "w", now)).isEmpty();
    assertThat(store.requestCancel(job.id(), now)).isFalse();
  }

  @Test
  void queuePositionCountsOlderQueuedJobs() {
    Instant t = CLOCK.instant();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Job j = newJob(1);
      Job at =
          Job.queued(
              j.id(),
              j.architectureId(),
              j.architectureName(),
              j.specJson(),
              j.datasetId(),
              j.hyperparametersJson(),
              j.device(),
              1,
              t.plusSeconds(i));
      store.insert(at);
      ids.add(at.id());
    }
    assertThat(ids.stream().map(store::queuePosition)).containsExactly(1L, 2L, 3L);
    store.startAttempt(ids.get(0), "w", t);
    assertThat(ids.stream().map(store::queuePosition)).containsExactly(0L, 1L, 2L);
    assertThat(store.count(JobState.QUEUED)).isEqualTo(2);
    assertThat(store.countByState()).containsEntry(JobState.RUNNING, 1L);
    assertThat(store.list(JobState.QUEUED, 0, 10))
        .extracting(Job::id)
        .containsExactly(ids.get(2), ids.get(1));
    assertThat(store.list(null, 2, 2)).extracting(Job::id).containsExactly(ids.get(0));
  }

  @Test
  void epochRowsAreUpsertedAndFilteredBySinceEpoch() {
    Job job = newJob(3);
    store.insert(job);
    Instant now = CLOCK.instant();
    for (int e = 1; e <= 3; e++) {
      store.upsertEpoch(job.id(), new EpochMetrics(e, 1.0 / e, 0.5, null, null, 0.1, 100, 2), now);
    }
    // Epoch 3 re-run after a crash: same row, new values.
    store.upsertEpoch(job.id(), new EpochMetrics(3, 0.25, 0.75, 0.3, 0.7, 0.1, 120, 2), now);
    List<EpochMetrics> all = store.epochs(job.id(), 0);
    assertThat(all).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    assertThat(all.get(2).trainLoss()).isEqualTo(0.25);
    assertThat(all.get(2).valAccuracy()).isEqualTo(0.7);
    assertThat(all.get(0).valLoss()).isNull();
    assertThat(store.epochs(job.id(), 2)).extracting(EpochMetrics::epoch).containsExactly(3);
    store.upsertStep(job.id(), new StepMetrics(2, 5, 10, 0.5, 0.5, 0.1, 99), now);
    store.upsertStep(job.id(), new StepMetrics(2, 5, 10, 0.4, 0.6, 0.1, 98), now);
    store.upsertStep(job.id(), new StepMetrics(1, 5, 10, 0.9, 0.1, 0.1, 97), now);
    assertThat(store.steps(job.id(), 1))
        .singleElement()
        .satisfies(s -> assertThat(s.loss()).isEqualTo(0.4));
    assertThat(store.steps(job.id(), 0)).hasSize(2);
  }

  @Test
  void eventsAreOrderedAndPagedBySequence() {
    Job job = newJob(1);
    store.insert(job);
    for (int i = 0; i < 5; i++) {
      events.append(job.id(), "step", java.util.Map.of("i", i));
    }
    List<JobEvent> first = store.events(job.id(), 0, 3);
    assertThat(first).hasSize(3);
    List<JobEvent> rest = store.events(job.id(), first.get(2).seq(), 10);
    assertThat(rest).hasSize(2);
    assertThat(rest.get(1).dataJson()).contains("\"i\":4");
  }

  // ---- db-scheduler's table, as the library itself uses it
  // ---------------------------------------

  /** {@link ScheduledTasks}' SQL against what db-scheduler really writes to scheduled_tasks. */
  @Test
  void scheduledTasksReadsAndReleasesTheLibrarysOwnExecutions() throws Exception {
    Job scheduled = newJob(1);
    Job orphan = newJob(1);
    store.insert(scheduled);
    store.insert(orphan);
    java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
    List<String> executedByY = new java.util.concurrent.CopyOnWriteArrayList<>();
    var blocking =
        com.github.kagkarlsson.scheduler.task.helper.Tasks.oneTime(TrainingQueue.TASK)
            .execute((instance, ctx) -> awaitQuietly(finish));
    var recording =
        com.github.kagkarlsson.scheduler.task.helper.Tasks.oneTime(TrainingQueue.TASK)
            .execute((instance, ctx) -> executedByY.add(instance.getId()));
    var x = scheduler("node-x", blocking);
    var y = scheduler("node-y", recording);
    try {
      ScheduledTasks tasks = new ScheduledTasks(dataSource(), TrainingQueue.TASK);
      x.schedule(blocking.instance(scheduled.id()), CLOCK.instant());
      assertThat(tasks.jobsWithoutExecution())
          .extracting(java.util.Map.Entry::getKey)
          .containsExactly(orphan.id());

      x.start();
      await(
          "node-x picked and heartbeated it",
          Duration.ofSeconds(20),
          () ->
              tasks.claimsOf("node-x").stream()
                  .anyMatch(c -> c.jobId().equals(scheduled.id()) && c.heartbeat() != null));
      ScheduledTasks.Claim claim = tasks.claimsOf("node-x").get(0);
      assertThat(tasks.claimsOf("node-y")).isEmpty();
      var stale = new ScheduledTasks.Claim(claim.jobId(), claim.version() - 1, claim.heartbeat());
      assertThat(tasks.release(stale, CLOCK.instant())).isFalse();
      assertThat(tasks.release(claim, CLOCK.instant())).isTrue();
      assertThat(tasks.claimsOf("node-x")).isEmpty();

      y.start(); // the library treats the released execution as due and runs it elsewhere
      await(
          "node-y executed the released execution",
          Duration.ofSeconds(20),
          () -> executedByY.contains(scheduled.id()));
    } finally {
      finish.countDown();
      y.stop();
      x.stop();
    }
  }

  private com.github.kagkarlsson.scheduler.Scheduler scheduler(
      String name, com.github.kagkarlsson.scheduler.task.helper.OneTimeTask<Void> task) {
    return com.github.kagkarlsson.scheduler.Scheduler.create(dataSource(), task)
        .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed(name))
        .threads(1)
        .pollingInterval(Duration.ofMillis(100))
        .heartbeatInterval(Duration.ofMillis(100))
        .shutdownMaxWait(Duration.ofSeconds(1))
        .build();
  }

  private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
    try {
      latch.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- one state machine, fenced ends ---------------------------------------------------------

  @Test
  void startAttemptNeverMovesARunningJobToRunning() {
    Job job = newJob(2);
    store.insert(job);
    Instant now = CLOCK.instant();
    assertThat(store.startAttempt(job.id(), "w1", now)).contains(1);
    assertThat(store.startAttempt(job.id(), "w2", now)).isEmpty(); // RUNNING -> RUNNING
    assertThat(job(job.id()).attempts()).isEqualTo(1);
    assertThat(job(job.id()).worker()).isEqualTo("w1");
  }

  @Test
  void theComputedPrecisionIsRecordedForTheCurrentAttemptOnly() {
    Job job = newJob(2);
    store.insert(job);
    assertThat(job(job.id()).precision()).isNull();
    Instant now = CLOCK.instant();
    assertThat(store.startAttempt(job.id(), "w1", now)).contains(1);
    assertThat(store.recordPrecision(job.id(), 1, "bf16", now)).isTrue();
    assertThat(store.recordPrecision(job.id(), 2, "fp32", now)).isFalse(); // not its attempt
    assertThat(job(job.id()).precision()).isEqualTo("bf16");
  }

  /** A job executed again while still RUNNING goes back through QUEUED, visibly. */
  @Test
  void aJobExecutedAgainWhileStillRunningIsRequeuedBeforeItsNewAttempt() {
    Job job = newJob(2);
    store.insert(job);
    events.state(job.id(), JobState.QUEUED, null, java.util.Map.of());
    store.startAttempt(job.id(), "crashed", CLOCK.instant());
    events.state(job.id(), JobState.RUNNING, null, java.util.Map.of());

    runner(engine, registry).run(job.id(), "w", () -> false);

    assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job(job.id()).attempts()).isEqualTo(2);
    assertThat(engine.stepsRun.get(job.id())).isPositive(); // it reported per-job meters
    assertThat(meters.getMeters())
        .as("per-job meters are removed when the job ends")
        .noneMatch(m -> job.id().equals(m.getId().getTag("job")));
    assertThat(eventData(job.id(), "state"))
        .extracting(n -> n.get("state").asString())
        .containsExactly("QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED");
  }

  /** Revived elsewhere after its last step: the stale run neither registers nor ends the job. */
  @Test
  void aRunSupersededAfterItsLastStepRegistersNoModelAndLeavesTheJobToTheNewAttempt() {
    Job job = newJob(1);
    store.insert(job);
    TrainingEngine revivedAtTheEnd =
        (request, listener) -> {
          TrainingResult r = engine.train(request, listener);
          supersede(request.jobId());
          return r;
        };
    runner(revivedAtTheEnd, registry).run(job.id(), "stale", () -> false);

    Job after = job(job.id());
    assertThat(after.state()).isEqualTo(JobState.RUNNING);
    assertThat(after.modelId()).isNull();
    assertThat(registry.registered).isEmpty();
  }

  /** Superseded between registration and the fenced finish: the model is discarded. */
  @Test
  void aRunSupersededWhileRegisteringDiscardsItsModel() {
    Job job = newJob(1);
    store.insert(job);
    FakeRegistry supersedingRegistry =
        new FakeRegistry() {
          @Override
          public String register(io.kernelwise.models.NewModel model) {
            String id = super.register(model);
            supersede(model.jobId());
            return id;
          }
        };
    runner(engine, supersedingRegistry).run(job.id(), "stale", () -> false);

    Job after = job(job.id());
    assertThat(after.state()).isEqualTo(JobState.RUNNING);
    assertThat(after.modelId()).isNull();
    assertThat(supersedingRegistry.registered).hasSize(1);
    assertThat(supersedingRegistry.discarded).containsExactly("m-1");
  }

  /** Stored specs are read with the stored-spec limits: a lowered limit does not fail the job. */
  @Test
  void aQueuedJobStillTrainsAfterAnArchitectureLimitWasLowered() {
    var lowered =
        new io.kernelwise.architecture.ArchitectureService(
            null,
            CLOCK,
            new org.springframework.boot.context.properties.bind.Binder(
                    new org.springframework.boot.context.properties.source
                        .MapConfigurationPropertySource(
                        java.util.Map.of("kernelwise.limits.max-layers", "3")))
                .bindOrCreate("kernelwise", io.kernelwise.system.KernelwiseProperties.class));
    var spec = io.kernelwise.network.TestSpecs.seed3x3(); // more than 3 layers
    Job queued = newJob(1);
    Job job =
        Job.queued(
            queued.id(),
            null,
            spec.name(),
            lowered.toJson(spec),
            FakeDatasets.READY,
            queued.hyperparametersJson(),
            "cpu",
            1,
            CLOCK.instant());
    store.insert(job);
    assertThatThrownBy(() -> lowered.parse(JSON.readTree(job.specJson()), "architecture"))
        .hasMessageContaining("max-layers");

    runner(engine, registry, lowered).run(job.id(), "w", () -> false);

    assertThat(job(job.id()).error()).isNull();
    assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
  }

  /** An Error (OutOfMemoryError included) fails the job and is rethrown, not swallowed. */
  @Test
  void anErrorInTrainingFailsTheJobAndReachesTheCaller() {
    Job job = newJob(1);
    store.insert(job);
    TrainingEngine outOfMemory =
        (request, listener) -> {
          throw new OutOfMemoryError("Java heap space (simulated)");
        };
    assertThatThrownBy(() -> runner(outOfMemory, registry).run(job.id(), "w", () -> false))
        .isInstanceOf(OutOfMemoryError.class);
    Job after = job(job.id());
    assertThat(after.state()).isEqualTo(JobState.FAILED);
    assertThat(after.error()).contains("Java heap space");
  }

  /** What a revival elsewhere does to the row this run is fenced on. */
  private void supersede(String jobId) {
    jdbc.sql("update jobs set attempts = attempts + 1 where id = ?").param(jobId).update();
  }

  // ---- queue --------------------------------------------------------------------------------

  @Test
  void runsAJobToSuccessAndRegistersTheModel() throws Exception {
    TrainingQueue q = queue("node-a", Duration.ofSeconds(1));
    q.start();
    Job job = submit(q, 3);
    await(
        "job succeeded", Duration.ofSeconds(20), () -> job(job.id()).state() == JobState.SUCCEEDED);
    Job done = job(job.id());
    assertThat(done.progress()).isEqualTo(1.0);
    assertThat(done.epoch()).isEqualTo(3);
    assertThat(done.modelId()).isNotNull();
    assertThat(done.testAccuracy()).isEqualTo(1 - 1.2 / 3);
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    assertThat(store.epochs(job.id(), 0)).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    assertThat(registry.registered)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.jobId()).isEqualTo(job.id());
              assertThat(m.classes()).hasSize(10);
              assertThat(m.metrics()).containsKeys("testAccuracy", "trainLoss", "valAccuracy");
            });
    assertThat(registry.parametersByJob.get(job.id())).isEqualTo("parameters of " + job.id());
    await(
        "checkpoints deleted after success",
        Duration.ofSeconds(5),
        () -> !java.nio.file.Files.exists(JobRunner.checkpointDir(dataDir, job.id())));
    assertThat(eventData(job.id(), "state"))
        .extracting(n -> n.get("state").asString())
        .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
    // db-scheduler removes the finished execution right after the handler returns
    await(
        "execution removed from the queue table",
        Duration.ofSeconds(5),
        () -> jdbc.sql("select count(*) from scheduled_tasks").query(Long.class).single() == 0);
  }

  @Test
  void cancelsARunningJobWithinAStep() throws Exception {
    TrainingQueue q = queue("node-a", Duration.ofSeconds(1));
    q.start();
    Job job = submit(q, 50);
    await(
        "job running",
        Duration.ofSeconds(20),
        () -> engine.stepsRun.getOrDefault(job.id(), 0L) >= 2);
    store.requestCancel(job.id(), CLOCK.instant());
    long requestedAt = System.nanoTime();
    await(
        "job cancelled", Duration.ofSeconds(10), () -> job(job.id()).state() == JobState.CANCELLED);
    long millis = (System.nanoTime() - requestedAt) / 1_000_000;
    assertThat(millis).as("cancel latency ms").isLessThan(2_000);
    assertThat(engine.stepsRun.get(job.id())).isLessThan(50L * engine.stepsPerEpoch);
    assertThat(job(job.id()).modelId()).isNull();
    assertThat(registry.registered).isEmpty();
  }

  @Test
  void aCancelledQueuedJobNeverRuns() throws Exception {
    TrainingQueue q = queue("node-a", Duration.ofSeconds(1));
    Job job = submit(q, 2); // queue not started: it stays QUEUED
    store.requestCancel(job.id(), CLOCK.instant());
    q.start();
    await(
        "job cancelled", Duration.ofSeconds(10), () -> job(job.id()).state() == JobState.CANCELLED);
    Thread.sleep(300);
    assertThat(engine.runs).doesNotContainKey(job.id());
  }

  /**
   * A RUNNING job whose execution was claimed by an instance that stopped heartbeating: another
   * instance revives it and the engine resumes after the checkpointed epoch; the epoch reported but
   * not checkpointed before the crash is re-run and still has exactly one row.
   */
  @Test
  void revivesADeadExecutionAndResumesFromTheCheckpoint() throws Exception {
    Job job = crashedJob("dead-node", Duration.ofMinutes(10));
    TrainingQueue q = queue("node-b", Duration.ofMillis(200));
    q.start();
    await(
        "revived job succeeded",
        Duration.ofSeconds(30),
        () -> job(job.id()).state() == JobState.SUCCEEDED);
    assertResumedFromEpoch2(job);
    assertThat(eventData(job.id(), "state"))
        .anySatisfy(
            n -> {
              assertThat(n.get("state").asString()).isEqualTo("QUEUED");
              assertThat(n.path("detail").asString()).contains("dead-node stopped heartbeating");
            });
  }

  /**
   * The same instance name restarting (the single-instance crash case): its old claim is released
   * as soon as its heartbeat is two intervals old, long before db-scheduler's dead limit (6).
   */
  @Test
  void aRestartedInstanceResumesItsOwnInterruptedJobPromptly() throws Exception {
    Duration heartbeat = Duration.ofSeconds(2);
    Job job = crashedJob("node-a", Duration.ofSeconds(3)); // dead for db-scheduler only after 12s
    TrainingQueue q = queue("node-a", heartbeat);
    Job other = submit(q, 1); // queued after the crash: must wait for the interrupted job
    long start = System.nanoTime();
    q.start();
    await(
        "job resumed",
        Duration.ofSeconds(20),
        () -> {
          assertThat(store.count(JobState.RUNNING))
              .as("jobs RUNNING at once")
              .isLessThanOrEqualTo(1);
          return job(job.id()).attempts() == 2;
        });
    assertThat((System.nanoTime() - start) / 1_000_000).as("ms to resume").isLessThan(4_000);
    await(
        "both succeeded",
        Duration.ofSeconds(20),
        () -> {
          assertThat(store.count(JobState.RUNNING))
              .as("jobs RUNNING at once")
              .isLessThanOrEqualTo(1);
          return job(job.id()).state() == JobState.SUCCEEDED
              && job(other.id()).state() == JobState.SUCCEEDED;
        });
    assertResumedFromEpoch2(job);
    assertThat(eventData(job.id(), "state"))
        .anySatisfy(n -> assertThat(n.path("detail").asString()).contains("node-a restarted"));
    assertThat(job(other.id()).startedAt()).isAfter(job(job.id()).startedAt());
    assertThat(firstRunningSeq(other.id())).isGreaterThan(lastRunningSeq(job.id()));
  }

  private long firstRunningSeq(String id) {
    return runningSeqs(id).min().orElseThrow();
  }

  private long lastRunningSeq(String id) {
    return runningSeqs(id).max().orElseThrow();
  }

  private java.util.stream.LongStream runningSeqs(String id) {
    return store.events(id, 0, 10_000).stream()
        .filter(e -> e.type().equals("state") && e.dataJson().contains("\"RUNNING\""))
        .mapToLong(JobEvent::seq);
  }

  /** A job RUNNING with epochs 1..3 reported, checkpoint at 2, its claim held by {@code owner}. */
  private Job crashedJob(String owner, Duration heartbeatAge) {
    Job queued = newJob(5);
    store.insert(queued);
    Instant now = CLOCK.instant();
    assertThat(store.startAttempt(queued.id(), owner, now)).contains(1);
    for (int e = 1; e <= 3; e++) {
      store.upsertEpoch(queued.id(), new EpochMetrics(e, 9, 0.1, 9.0, 0.1, 0.001, 1, 1), now);
    }
    store.updateProgress(queued.id(), 1, 3, 0.6, now);
    FakeTrainingEngine.writeAtomically(
        JobRunner.checkpointDir(dataDir, queued.id()).resolve("last-epoch"), "2");
    jdbc.sql(
            "insert into scheduled_tasks (task_name, task_instance, execution_time, picked,"
                + " picked_by, last_heartbeat, version) values (?, ?, ?, true, ?, ?, 3)")
        .params(
            TrainingQueue.TASK,
            queued.id(),
            JdbcJobStore.ts(now.minusSeconds(600)),
            owner,
            JdbcJobStore.ts(now.minus(heartbeatAge)))
        .update();
    return queued;
  }

  private void assertResumedFromEpoch2(Job job) {
    Job done = job(job.id());
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.resumedFromEpoch()).isEqualTo(2);
    assertThat(engine.trainedEpochs.get(job.id())).containsExactly(3, 4, 5);
    List<EpochMetrics> rows = store.epochs(job.id(), 0);
    assertThat(rows).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4, 5);
    assertThat(rows.get(2).trainLoss()).as("epoch 3 re-run replaced its row").isEqualTo(2.0 / 3);
    assertThat(eventData(job.id(), "resumed"))
        .singleElement()
        .satisfies(n -> assertThat(n.get("fromEpoch").asInt()).isEqualTo(2));
  }

  /**
   * Graceful shutdown stops the running job at its next step and puts it back in the queue; a later
   * instance resumes it from its checkpoint.
   */
  @Test
  void shutdownRequeuesTheRunningJobAndAnotherInstanceResumesIt() throws Exception {
    TrainingQueue a = queue("node-a", Duration.ofSeconds(1));
    a.start();
    Job job = submit(a, 8);
    await(
        "two epochs checkpointed",
        Duration.ofSeconds(20),
        () -> engine.trainedEpochs.getOrDefault(job.id(), List.of()).size() >= 2);
    a.stop();
    Job stopped = job(job.id());
    assertThat(stopped.state()).isEqualTo(JobState.QUEUED);
    assertThat(eventData(job.id(), "state"))
        .anySatisfy(n -> assertThat(n.path("detail").asString()).contains("shutdown of node-a"));
    assertThat(
            jdbc.sql("select picked from scheduled_tasks where task_instance = ?")
                .param(job.id())
                .query(Boolean.class)
                .single())
        .isFalse();
    int checkpointed = engine.trainedEpochs.get(job.id()).size();
    queue("node-b", Duration.ofSeconds(1)).start();
    await(
        "job succeeded on node-b",
        Duration.ofSeconds(20),
        () -> job(job.id()).state() == JobState.SUCCEEDED);
    Job done = job(job.id());
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.resumedFromEpoch()).isEqualTo(checkpointed);
    assertThat(engine.runs.get(job.id()).get()).isEqualTo(2);
    assertThat(engine.maxConcurrentRunsOfOneJob.get()).isEqualTo(1);
    assertThat(store.epochs(job.id(), 0))
        .extracting(EpochMetrics::epoch)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  /** Two scheduler instances on one database: six jobs, each runs exactly once. */
  @Test
  void twoInstancesRunEachJobExactlyOnce() throws Exception {
    TrainingQueue a = queue("node-a", Duration.ofSeconds(1));
    TrainingQueue b = queue("node-b", Duration.ofSeconds(1));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(submit(a, 2).id());
    }
    a.start();
    b.start();
    await(
        "all six succeeded",
        Duration.ofSeconds(60),
        () -> ids.stream().allMatch(id -> job(id).state() == JobState.SUCCEEDED));
    Set<String> workers = new HashSet<>();
    for (String id : ids) {
      assertThat(engine.runs.get(id).get()).as("runs of " + id).isEqualTo(1);
      assertThat(job(id).attempts()).isEqualTo(1);
      List<JsonNode> running =
          eventData(id, "state").stream()
              .filter(n -> n.get("state").asString().equals("RUNNING"))
              .toList();
      assertThat(running).hasSize(1);
      workers.add(running.get(0).get("worker").asString());
      assertThat(store.epochs(id, 0)).hasSize(2);
    }
    assertThat(engine.maxConcurrentRunsOfOneJob.get()).isEqualTo(1);
    assertThat(workers)
        .as("both instances took jobs")
        .containsExactlyInAnyOrder("node-a", "node-b");
    assertThat(registry.registered).hasSize(6);
  }

  /**
   * kernelwise.roles=api: the instance enqueues and cancels but never claims; a worker on the same
   * database trains what it queued.
   */
  @Test
  void anApiOnlyInstanceQueuesButNeverClaims() throws Exception {
    TrainingQueue api = queue("api-a", Duration.ofSeconds(1), false);
    api.start();
    assertThat(api.worker()).isFalse();
    Job job = submit(api, 2);
    Job cancelled = submit(api, 2);
    Thread.sleep(1500); // several poll intervals of a worker: nobody may pick it up
    assertThat(job(job.id()).state()).isEqualTo(JobState.QUEUED);
    assertThat(engine.runs).doesNotContainKey(job.id());
    assertThat(
            jdbc.sql("select count(*) from scheduled_tasks where picked = true")
                .query(Integer.class)
                .single())
        .isZero();
    api.dequeue(cancelled.id());
    store.transition(
        cancelled.id(),
        JobState.QUEUED,
        JobState.CANCELLED,
        CLOCK.instant(),
        JobStore.Outcome.NONE);

    queue("worker-b", Duration.ofSeconds(1)).start();
    await(
        "the worker trained the job the api queued",
        Duration.ofSeconds(20),
        () -> job(job.id()).state() == JobState.SUCCEEDED);
    List<JsonNode> running =
        eventData(job.id(), "state").stream()
            .filter(n -> n.get("state").asString().equals("RUNNING"))
            .toList();
    assertThat(running)
        .singleElement()
        .satisfies(n -> assertThat(n.get("worker").asString()).isEqualTo("worker-b"));
    assertThat(engine.runs).doesNotContainKey(cancelled.id());
  }
}
