package io.kernelwise.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.architecture.ArchitectureService;
import io.kernelwise.network.TestSpecs;
import io.kernelwise.system.KernelwiseProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A trained model stays servable after an operator lowers an architecture limit: stored models are
 * described with the stored-spec limits, only an imported (new) artifact meets today's limits.
 */
class StoredSpecLimitsTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir Path dir;

  @Test
  void aStoredModelOverALoweredLimitIsStillDescribedAnImportedOneIsNot() throws Exception {
    ArchitectureService lowered =
        new ArchitectureService(
            null,
            Clock.systemUTC(),
            new Binder(
                    new MapConfigurationPropertySource(
                        Map.of("kernelwise.limits.max-parameters", "1000")))
                .bindOrCreate("kernelwise", KernelwiseProperties.class));
    var spec = TestSpecs.seed3x3(); // far more than 1000 parameters
    Files.writeString(dir.resolve(ModelFiles.SPEC), lowered.toJson(spec));
    Files.writeString(
        dir.resolve(ModelFiles.LABELS),
        JSON.writeValueAsString(IntStream.range(0, 10).mapToObj(i -> "c" + i).toList()));
    Files.writeString(
        dir.resolve(ModelFiles.NORMALIZATION), "{\"mean\":[0.5,0.5,0.5],\"std\":[0.25,0.25,0.25]}");
    ModelLoader loader = new ModelLoader(lowered, null, JSON, null);

    assertThat(loader.describe(dir).spec()).isEqualTo(spec);
    assertThatThrownBy(() -> loader.describe(dir, true))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("max-parameters");
  }
}
