package io.kernelwise.inference;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A model that fails to start its workers must not leak the predictors already made. */
class ServedModelTest {

  @Test
  @SuppressWarnings("unchecked")
  void aFailedStartClosesThePredictorsMadeSoFarAndTheModel() {
    Model model = mock(Model.class);
    Predictor<BatchTranslator.Batch, float[][]> first = mock(Predictor.class);
    when(model.newPredictor(any(BatchTranslator.class)))
        .thenReturn((Predictor) first)
        .thenThrow(new IllegalStateException("out of native memory"));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ServingInfo info =
        new ServingInfo(List.of("a", "b"), 1, 2, 2, new float[] {0f}, new float[] {1f});
    ServedModel.Settings settings = new ServedModel.Settings(2, true, 4, 1_000_000L, 8, 1);

    assertThatThrownBy(
            () ->
                new ServedModel(
                    "m-1",
                    info,
                    model,
                    settings,
                    Timer.builder("f").register(meters),
                    Timer.builder("r").register(meters),
                    DistributionSummary.builder("b").register(meters)))
        .hasMessageContaining("out of native memory");
    verify(first).close();
    verify(model).close();
  }
}
