package io.kernelwise.training;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The database-backed training queue: one db-scheduler one-time task instance per job (instance id
 * = job id), executed by {@code workers} threads per instance. db-scheduler claims an execution
 * with an optimistic-locked update, heartbeats it while it runs, and revives executions whose
 * heartbeat went stale (a dead instance) on any live instance; the job then resumes from its
 * checkpoint.
 *
 * <p>Two additions make crashes visible and quick: a dead execution first moves its job RUNNING →
 * QUEUED with an event saying why, and on start an instance releases the claims it held under its
 * own name before a restart as soon as their heartbeat is stale (two heartbeat intervals, so a live
 * namesake is never robbed), instead of waiting for db-scheduler's missed-heartbeats limit, and
 * only then starts picking: the interrupted job resumes first and never overlaps another.
 *
 * <p>An instance without the worker role ({@code kernelwise.roles=api}) only writes to the queue:
 * it never starts the scheduler, so it never claims, heartbeats or revives a job.
 */
public class TrainingQueue implements SmartLifecycle {
  static final String TASK = "training-job";
  private static final int MAX_INFRASTRUCTURE_RETRIES = 5;
  private static final Logger log = LoggerFactory.getLogger(TrainingQueue.class);

  private final JobStore store;
  private final JobEvents events;
  private final ScheduledTasks tasks;
  private final Clock clock;
  private final String name;
  private final Duration heartbeat;
  private final OneTimeTask<Void> task;
  private final Scheduler scheduler; // null without the worker role
  private final SchedulerClient client;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private volatile boolean running;
  private volatile Thread reviver;
  private boolean schedulerStarted;

  public TrainingQueue(
      DataSource dataSource,
      JobRunner runner,
      JobStore store,
      JobEvents events,
      String instanceName,
      int workers,
      Duration heartbeat,
      Duration pollInterval,
      Clock clock) {
    this(
        dataSource,
        runner,
        store,
        events,
        instanceName,
        workers,
        heartbeat,
        pollInterval,
        true,
        clock);
  }

  public TrainingQueue(
      DataSource dataSource,
      JobRunner runner,
      JobStore store,
      JobEvents events,
      String instanceName,
      int workers,
      Duration heartbeat,
      Duration pollInterval,
      boolean worker,
      Clock clock) {
    this.store = store;
    this.events = events;
    this.tasks = new ScheduledTasks(dataSource, TASK);
    this.clock = clock;
    this.name = instanceName;
    this.heartbeat = heartbeat;
    this.task =
        Tasks.oneTime(TASK)
            .onFailure(this::onFailure)
            .onDeadExecution(this::onDeadExecution)
            .execute((instance, ctx) -> runner.run(instance.getId(), name, shuttingDown::get));
    this.scheduler =
        worker
            ? Scheduler.create(dataSource, task)
                .schedulerName(new SchedulerName.Fixed(instanceName))
                .threads(workers)
                .heartbeatInterval(heartbeat)
                .pollingInterval(pollInterval)
                .enableImmediateExecution()
                .shutdownMaxWait(Duration.ofSeconds(60))
                .build()
            : null;
    this.client = worker ? scheduler : SchedulerClient.Builder.create(dataSource, task).build();
  }

  /** Whether this instance claims and trains jobs (the worker role). */
  public boolean worker() {
    return scheduler != null;
  }

  public String instanceName() {
    return name;
  }

  /** Adds the job's execution to the queue, due at {@code at}. */
  public void enqueue(String jobId, Instant at) {
    client.scheduleIfNotExists(task.instance(jobId), at);
  }

  /** Removes a queued job's execution; a running one stops through its cancel flag instead. */
  public void dequeue(String jobId) {
    try {
      client.cancel(TaskInstanceId.of(TASK, jobId));
    } catch (TaskInstanceException e) {
      log.debug("job {} has no cancellable execution: {}", jobId, e.getMessage());
    }
  }

  @Override
  public void start() {
    shuttingDown.set(false);
    requeueOrphans();
    if (scheduler == null) {
      running = true; // api only: enqueues, never claims
      return;
    }
    List<ScheduledTasks.Claim> inherited = ownClaims(); // nothing of this process runs yet
    running = true;
    if (inherited.isEmpty()) {
      startScheduler();
      return;
    }
    // Start picking only after the interrupted jobs are back in the queue: they go first (they
    // keep their queue time) and no other job starts while one still looks RUNNING.
    Thread t =
        new Thread(
            () -> {
              reviveInherited(inherited);
              startScheduler();
            },
            "kernelwise-queue-reviver");
    t.setDaemon(true);
    t.start();
    reviver = t;
  }

  private synchronized void startScheduler() {
    if (scheduler != null && !shuttingDown.get() && !schedulerStarted) {
      scheduler.start();
      schedulerStarted = true;
    }
  }

  /**
   * Stops picking new jobs, asks the running ones to stop at their next step (they go back to
   * QUEUED and resume from their checkpoint elsewhere or after restart) and waits for them.
   */
  @Override
  public void stop() {
    shuttingDown.set(true);
    Thread t = reviver;
    if (t != null) {
      t.interrupt();
    }
    synchronized (this) {
      if (schedulerStarted) {
        scheduler.stop();
        schedulerStarted = false;
      }
    }
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Jobs QUEUED/RUNNING without an execution (a crash between insert and schedule). */
  private void requeueOrphans() {
    for (var orphan : tasks.jobsWithoutExecution()) {
      log.info("re-queueing job {} that had no queue entry", orphan.getKey());
      enqueue(orphan.getKey(), orphan.getValue());
    }
  }

  /** Executions held under this instance's name: before start, those of a previous process. */
  private List<ScheduledTasks.Claim> ownClaims() {
    return tasks.claimsOf(name);
  }

  /**
   * Releases the inherited claims once their heartbeat is stale, i.e. provably not a namesake's.
   */
  private void reviveInherited(List<ScheduledTasks.Claim> inherited) {
    Duration staleAfter = heartbeat.multipliedBy(2);
    List<ScheduledTasks.Claim> pending = new java.util.ArrayList<>(inherited);
    Instant giveUp = clock.instant().plus(heartbeat.multipliedBy(10));
    try {
      while (!pending.isEmpty() && !shuttingDown.get()) {
        Instant now = clock.instant();
        if (now.isAfter(giveUp)) {
          log.warn(
              "jobs {} are still heartbeated under this instance's name '{}': another live"
                  + " instance uses it (set kernelwise.training.instance-name); starting anyway",
              pending.stream().map(ScheduledTasks.Claim::jobId).toList(),
              name);
          return;
        }
        Map<String, ScheduledTasks.Claim> current = new java.util.HashMap<>();
        ownClaims().forEach(c -> current.put(c.jobId(), c));
        for (var it = pending.iterator(); it.hasNext(); ) {
          ScheduledTasks.Claim before = it.next();
          ScheduledTasks.Claim c = current.get(before.jobId());
          if (c == null || c.version() != before.version()) {
            it.remove(); // finished, or already revived by someone else
          } else if (c.heartbeat() == null || c.heartbeat().plus(staleAfter).isBefore(now)) {
            release(c);
            it.remove();
          }
        }
        if (!pending.isEmpty()) {
          Thread.sleep(Math.max(50, heartbeat.toMillis() / 4));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("could not revive this instance's stale claims; db-scheduler will", e);
    }
  }

  private void release(ScheduledTasks.Claim c) {
    Instant due = requeue(c.jobId(), "revived: " + name + " restarted while running it");
    if (tasks.release(c, due)) {
      log.info("released stale claim of job {} held before restart", c.jobId());
    }
  }

  /**
   * RUNNING → QUEUED with an event; returns when to run it again: at its original queue time, so a
   * revived job goes ahead of jobs queued after it.
   */
  private Instant requeue(String jobId, String why) {
    Job job = store.find(jobId).orElse(null);
    if (job == null) {
      return clock.instant();
    }
    if (job.state() == JobState.RUNNING
        && store.transition(
            jobId, JobState.RUNNING, JobState.QUEUED, clock.instant(), JobStore.Outcome.NONE)) {
      events.state(jobId, JobState.QUEUED, why + "; resumes from its last checkpoint", Map.of());
    }
    return job.queuedAt();
  }

  /**
   * The job of a completed execution, or null after removing the execution when its job is gone or
   * already final (nothing is left to run).
   */
  private Job liveJob(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    Job job = store.find(complete.getExecution().getId()).orElse(null);
    if (job == null || job.state().terminal()) {
      ops.remove();
      return null;
    }
    return job;
  }

  private void onDeadExecution(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    if (liveJob(complete, ops) == null) {
      return;
    }
    String jobId = complete.getExecution().getId();
    String by = complete.getExecution().pickedBy;
    Instant due = requeue(jobId, "revived: instance " + by + " stopped heartbeating");
    ops.reschedule(complete, due);
  }

  private void onFailure(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    String jobId = complete.getExecution().getId();
    Job job = liveJob(complete, ops);
    if (job == null) {
      return;
    }
    if (complete.getCause().orElse(null) instanceof JobRunner.InterruptedByShutdown) {
      ops.reschedule(complete, job.queuedAt());
    } else if (complete.getExecution().consecutiveFailures >= MAX_INFRASTRUCTURE_RETRIES) {
      String error =
          "gave up after "
              + (MAX_INFRASTRUCTURE_RETRIES + 1)
              + " failed executions: "
              + complete.getCause().map(Throwable::toString).orElse("unknown error");
      for (JobState from : List.of(JobState.RUNNING, JobState.QUEUED)) {
        if (store.transition(
            jobId, from, JobState.FAILED, clock.instant(), JobStore.Outcome.error(error))) {
          events.state(jobId, JobState.FAILED, null, Map.of("error", error));
        }
      }
      ops.remove();
    } else {
      // An infrastructure error (e.g. the database went away mid-run): try again shortly.
      log.warn(
          "job {} execution failed; retrying in 10 s", jobId, complete.getCause().orElse(null));
      ops.reschedule(complete, clock.instant().plusSeconds(10));
    }
  }
}
