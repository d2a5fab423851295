package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code kernelwise.training.workers > 1} is refused at startup, saying how to scale instead. */
class TrainingWorkersTest {

  static KernelwiseProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("kernelwise", KernelwiseProperties.class);
  }

  @Test
  void moreThanOneWorkerIsRefusedWithHowToScale() {
    assertThatThrownBy(() -> bind(Map.of("kernelwise.training.workers", "2")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("kernelwise.training.workers=2 is not supported")
        .hasMessageContaining("replicas")
        .hasMessageContaining("worker processes");
  }

  @Test
  void oneWorkerIsTheDefaultAndAccepted() {
    assertThat(bind(Map.of()).training().workers()).isEqualTo(1);
    assertThat(bind(Map.of("kernelwise.training.workers", "1")).training().workers()).isEqualTo(1);
  }
}
