package io.kernelwise.training;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer meters with the SPEC's Prometheus names: {@code kernelwise_jobs{state}} (counted in
 * the shared database, so every replica reports the cluster's queue), and per job {@code
 * kernelwise_training_images_per_second}, {@code kernelwise_training_loss}, {@code
 * kernelwise_training_accuracy} (tag {@code split} train|val) and the timer {@code
 * kernelwise_training_epoch_seconds}.
 */
public class TrainingMetrics {
  private static final Duration COUNT_CACHE = Duration.ofSeconds(2);

  private final MeterRegistry registry;
  private final JobStore store;
  private final Clock clock;
  private final Map<String, JobGauges> jobs = new ConcurrentHashMap<>();
  private volatile Map<JobState, Long> counts = Map.of();
  private volatile Instant countedAt = Instant.MIN;

  public TrainingMetrics(MeterRegistry registry, JobStore store, Clock clock) {
    this.registry = registry;
    this.store = store;
    this.clock = clock;
    for (JobState state : JobState.values()) {
      Gauge.builder("kernelwise.jobs", this, m -> m.count(state))
          .description("Training jobs by state (all instances)")
          .tag("state", state.name())
          .register(registry);
    }
  }

  private synchronized double count(JobState state) {
    Instant now = clock.instant();
    if (countedAt.plus(COUNT_CACHE).isBefore(now)) {
      try {
        counts = store.countByState();
        countedAt = now;
      } catch (RuntimeException e) {
        return Double.NaN;
      }
    }
    return counts.getOrDefault(state, 0L);
  }

  void step(String jobId, StepMetrics step) {
    JobGauges g = gauges(jobId);
    g.imagesPerSecond = step.imagesPerSecond();
    g.trainLoss = step.loss();
    g.trainAccuracy = step.accuracy();
  }

  void epoch(String jobId, EpochMetrics epoch) {
    JobGauges g = gauges(jobId);
    g.imagesPerSecond = epoch.imagesPerSecond();
    g.trainLoss = epoch.trainLoss();
    g.trainAccuracy = epoch.trainAccuracy();
    g.valLoss = epoch.valLoss() == null ? Double.NaN : epoch.valLoss();
    g.valAccuracy = epoch.valAccuracy() == null ? Double.NaN : epoch.valAccuracy();
    Timer.builder("kernelwise.training.epoch")
        .description("Wall time of one training epoch")
        .tag("job", jobId)
        .register(registry)
        .record(Duration.ofNanos((long) (epoch.seconds() * 1e9)));
  }

  /**
   * Removes the job's meters once it no longer runs here (ended, superseded, or handed back to the
   * queue): a long-running instance must not keep a series per job it ever ran.
   */
  void forget(String jobId) {
    jobs.remove(jobId);
    List<Meter> owned =
        registry.getMeters().stream().filter(m -> jobId.equals(m.getId().getTag("job"))).toList();
    owned.forEach(registry::remove);
  }

  private JobGauges gauges(String jobId) {
    return jobs.computeIfAbsent(
        jobId,
        id -> {
          JobGauges g = new JobGauges();
          Gauge.builder("kernelwise.training.images.per.second", g, x -> x.imagesPerSecond)
              .description("Training throughput of a job")
              .tag("job", id)
              .register(registry);
          Gauge.builder("kernelwise.training.loss", g, x -> x.trainLoss)
              .tags("job", id, "split", "train")
              .register(registry);
          Gauge.builder("kernelwise.training.loss", g, x -> x.valLoss)
              .tags("job", id, "split", "val")
              .register(registry);
          Gauge.builder("kernelwise.training.accuracy", g, x -> x.trainAccuracy)
              .tags("job", id, "split", "train")
              .register(registry);
          Gauge.builder("kernelwise.training.accuracy", g, x -> x.valAccuracy)
              .tags("job", id, "split", "val")
              .register(registry);
          return g;
        });
  }

  /** Last values of one job; plain volatile doubles, written by the training thread only. */
  private static final class JobGauges {
    volatile double imagesPerSecond = Double.NaN;
    volatile double trainLoss = Double.NaN;
    volatile double trainAccuracy = Double.NaN;
    volatile double valLoss = Double.NaN;
    volatile double valAccuracy = Double.NaN;
  }
}
