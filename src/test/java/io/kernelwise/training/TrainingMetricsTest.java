package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The meters come out under the SPEC's Prometheus names. */
class TrainingMetricsTest {

  @Test
  void prometheusNamesMatchTheSpec() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    counts.put(JobState.QUEUED, 2L);
    counts.put(JobState.RUNNING, 1L);
    TrainingMetrics metrics =
        new TrainingMetrics(registry, new CountingStore(counts), Clock.systemUTC());
    metrics.step("j-1", new StepMetrics(1, 10, 100, 1.5, 0.4, 0.001, 1700));
    metrics.epoch("j-1", new EpochMetrics(1, 1.25, 0.5, 1.5, 0.45, 0.001, 1800, 27.5));

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("kernelwise_jobs{state=\"QUEUED\"} 2.0")
        .contains("kernelwise_jobs{state=\"RUNNING\"} 1.0")
        .contains("kernelwise_jobs{state=\"SUCCEEDED\"} 0.0")
        .contains("kernelwise_training_images_per_second{job=\"j-1\"} 1800.0")
        .contains("kernelwise_training_loss{job=\"j-1\",split=\"train\"} 1.25")
        .contains("kernelwise_training_loss{job=\"j-1\",split=\"val\"} 1.5")
        .contains("kernelwise_training_accuracy{job=\"j-1\",split=\"val\"} 0.45")
        .contains("kernelwise_training_epoch_seconds_count{job=\"j-1\"} 1")
        .contains("kernelwise_training_epoch_seconds_sum{job=\"j-1\"} 27.5");

    // a job that no longer runs here leaves no series behind; the queue gauges stay
    metrics.step("j-2", new StepMetrics(1, 10, 100, 1.5, 0.4, 0.001, 1700));
    metrics.forget("j-1");
    assertThat(registry.scrape())
        .doesNotContain("job=\"j-1\"")
        .contains("job=\"j-2\"")
        .contains("kernelwise_jobs{state=\"QUEUED\"} 2.0");
  }

  /** Only countByState is used by the gauges. */
  private record CountingStore(Map<JobState, Long> counts) implements JobStore {
    @Override
    public Map<JobState, Long> countByState() {
      return counts;
    }

    @Override
    public void insert(Job job) {}

    @Override
    public Optional<Job> find(String id) {
      return Optional.empty();
    }

    @Override
    public List<Job> list(JobState state, int offset, int limit) {
      return List.of();
    }

    @Override
    public long count(JobState state) {
      return 0;
    }

    @Override
    public long queuePosition(String id) {
      return 0;
    }

    @Override
    public boolean transition(String id, JobState from, JobState to, Instant now, Outcome outcome) {
      return false;
    }

    @Override
    public boolean finish(String id, int attempt, JobState to, Instant now, Outcome outcome) {
      return false;
    }

    @Override
    public Optional<Integer> startAttempt(String id, String worker, Instant now) {
      return Optional.empty();
    }

    @Override
    public boolean recordPrecision(String id, int attempt, String precision, Instant now) {
      return true;
    }

    @Override
    public boolean markResumed(String id, int attempt, int epoch, Instant now) {
      return false;
    }

    @Override
    public boolean updateProgress(String id, int attempt, int epoch, double progress, Instant now) {
      return false;
    }

    @Override
    public boolean requestCancel(String id, Instant now) {
      return false;
    }

    @Override
    public Optional<RunFlags> runFlags(String id) {
      return Optional.empty();
    }

    @Override
    public void upsertEpoch(String id, EpochMetrics metrics, Instant now) {}

    @Override
    public void upsertStep(String id, StepMetrics step, Instant now) {}

    @Override
    public List<EpochMetrics> epochs(String id, int sinceEpoch) {
      return List.of();
    }

    @Override
    public List<StepMetrics> steps(String id, int sinceEpoch) {
      return List.of();
    }

    @Override
    public void appendEvent(String id, String type, String dataJson, Instant now) {}

    @Override
    public List<JobEvent> events(String id, long afterSeq, int limit) {
      return List.of();
    }
  }
}
