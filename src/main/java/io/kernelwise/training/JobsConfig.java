package io.kernelwise.training;

import io.kernelwise.architecture.ArchitectureCatalog;
import io.kernelwise.datasets.DatasetTensors;
import io.kernelwise.models.ModelRegistry;
import io.kernelwise.network.Engines;
import io.kernelwise.system.DeploymentProperties;
import io.kernelwise.system.KernelwiseProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Wires the job store, the db-scheduler queue, the runner and the event stream. */
@Configuration(proxyBeanMethods = false)
class JobsConfig {

  @Bean
  JdbcJobStore jobStore(DataSource dataSource) {
    return new JdbcJobStore(dataSource);
  }

  @Bean
  JobEvents jobEvents(JobStore store, JsonMapper json, Clock clock) {
    return new JobEvents(store, json, clock);
  }

  @Bean
  TrainingMetrics trainingMetrics(MeterRegistry registry, JobStore store, Clock clock) {
    return new TrainingMetrics(registry, store, clock);
  }

  @Bean
  JobRunner jobRunner(
      JobStore store,
      JobEvents events,
      TrainingEngine engine,
      DatasetTensors datasets,
      ArchitectureCatalog catalog,
      ModelRegistry registry,
      Engines engines,
      TrainingMetrics metrics,
      JsonMapper json,
      KernelwiseProperties properties,
      DeploymentProperties deployment,
      Clock clock) {
    return new JobRunner(
        store,
        events,
        engine,
        datasets,
        catalog,
        registry,
        device -> engines.resolve(device, "device"),
        metrics,
        json,
        deployment.sharedStore(), // checkpoints: a job revived elsewhere resumes from them
        properties.training().cancelPollInterval(),
        clock);
  }

  @Bean
  TrainingQueue trainingQueue(
      DataSource dataSource,
      JobRunner runner,
      JobStore store,
      JobEvents events,
      KernelwiseProperties properties,
      DeploymentProperties deployment,
      Clock clock) {
    KernelwiseProperties.Training t = properties.training();
    return new TrainingQueue(
        dataSource,
        runner,
        store,
        events,
        instanceName(t.instanceName()),
        Math.max(1, t.workers()),
        t.heartbeatInterval(),
        t.pollInterval(),
        deployment.worker(),
        clock);
  }

  @Bean
  JobEventStream jobEventStream(JobStore store) {
    return new JobEventStream(store, Duration.ofMillis(250));
  }

  @Bean
  JobService jobService(
      JobStore store,
      JobEvents events,
      ArchitectureCatalog catalog,
      DatasetTensors datasets,
      Engines engines,
      TrainingQueue queue,
      JsonMapper json,
      KernelwiseProperties properties,
      DeploymentProperties deployment,
      Clock clock) {
    // an instance that trains checks the device against its own engine; an API-only one only
    // checks the syntax: the workers (maybe on GPU nodes) resolve it when they run the job
    java.util.function.BiFunction<String, String, String> devices =
        deployment.worker()
            ? (d, field) -> Engines.stored(engines.resolve(d, field))
            : Engines::normalize;
    JobSubmission submission =
        new JobSubmission(catalog, datasets, devices, json, properties.training().defaultDevice());
    return new JobService(store, events, submission, queue, json, clock);
  }

  /** The configured name, else the host name (a pod name in Kubernetes). */
  static String instanceName(String configured) {
    return io.kernelwise.system.InstanceName.of(configured);
  }
}
