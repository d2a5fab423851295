package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.system.ApiException;
import org.junit.jupiter.api.Test;

/** An API-only instance stores the device a worker will resolve; it checks only the syntax. */
class DeviceNormalizeTest {
  @Test
  void keepsAutoForTheWorkerAndNormalizesGpus() {
    assertThat(Engines.normalize(null, "device")).isEqualTo("auto");
    assertThat(Engines.normalize(" AUTO ", "device")).isEqualTo("auto");
    assertThat(Engines.normalize("cpu", "device")).isEqualTo("cpu");
    assertThat(Engines.normalize("gpu", "device")).isEqualTo("gpu:0");
    assertThat(Engines.normalize("GPU:3", "device")).as("no GPU needed here").isEqualTo("gpu:3");
  }

  @Test
  void badSyntaxIsA400NamingTheField() {
    assertThatThrownBy(() -> Engines.normalize("tpu", "device"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("auto, cpu, gpu or gpu:N");
    assertThatThrownBy(() -> Engines.normalize("gpu:99999999999", "device"))
        .isInstanceOf(ApiException.class);
  }
}
