package io.kernelwise.training;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The engine, dataset and registry doubles as one configuration other features' HTTP tests can
 * {@code @Import} (experiments): the real architecture service stays, so jobs train real stored
 * architectures on the fake "mini" dataset (10 classes, 3x32x32) with the fake engine's metrics.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TrainingTestDoubles {
  /** The dataset id {@link FakeDatasets} answers as READY. */
  public static final String READY_DATASET = FakeDatasets.READY;

  /** The dataset id {@link FakeDatasets} answers as still ingesting (409). */
  public static final String BUSY_DATASET = "busy";

  @Bean
  @Primary
  FakeTrainingEngine fakeTrainingEngine() {
    return new FakeTrainingEngine(5, 20);
  }

  @Bean
  @Primary
  FakeDatasets fakeDatasets() {
    return new FakeDatasets();
  }

  @Bean
  @Primary
  FakeRegistry fakeRegistry() {
    return new FakeRegistry();
  }
}
