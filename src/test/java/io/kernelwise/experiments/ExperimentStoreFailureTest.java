package io.kernelwise.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.architecture.ArchitectureService;
import io.kernelwise.training.JobService;
import io.kernelwise.training.JobState;
import io.kernelwise.training.TrainingTestDoubles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * An experiment whose storing fails half way leaves nothing of itself: its jobs are cancelled and
 * the variants it derived are deleted (they used to stay, belonging to no experiment).
 */
@SpringBootTest
@Import({TrainingTestDoubles.class, ExperimentStoreFailureTest.Failing.class})
class ExperimentStoreFailureTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.instance-name", () -> "experiment-failure-test");
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Failing {
    @Bean
    @Primary
    ExperimentRepository failingExperiments(JdbcClient jdbc, PlatformTransactionManager tx) {
      return new ExperimentRepository(jdbc, tx) {
        @Override
        void insert(Experiment e) {
          throw new IllegalStateException("database went away");
        }
      };
    }
  }

  @Autowired ExperimentService experiments;
  @Autowired ArchitectureService architectures;
  @Autowired JobService jobs;
  @Autowired JdbcClient jdbc;

  @Test
  void aFailedExperimentCancelsItsJobsAndDeletesTheVariantsItDerived() {
    var preset =
        architectures.presets().stream().filter(p -> p.name().equals("seed-5x5")).findFirst();
    String base = architectures.create(preset.orElseThrow().spec()).id();
    long architecturesBefore = architectures.list(0, 100).total();

    var body =
        JSON.createObjectNode()
            .put("baseArchitectureId", base)
            .put("datasetId", TrainingTestDoubles.READY_DATASET);
    body.putArray("transforms").add("factorize").add("depthwiseSeparable");
    body.putObject("hyperparameters").put("epochs", 50);

    assertThatThrownBy(() -> experiments.create(body)).hasMessageContaining("database went away");

    assertThat(architectures.list(0, 100).total()).isEqualTo(architecturesBefore);
    var jobIds = jdbc.sql("select id from jobs").query(String.class).list();
    assertThat(jobIds).hasSize(3);
    for (String id : jobIds) {
      JobState state = jobs.find(id).state();
      assertThat(state == JobState.CANCELLED || jobs.find(id).cancelRequested())
          .as("job %s is %s", id, state)
          .isTrue();
    }
  }
}
