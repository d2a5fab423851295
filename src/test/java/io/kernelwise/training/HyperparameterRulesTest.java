package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.kernelwise.datasets.ImageSplit;
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.network.DjlNetworkFactory;
import io.kernelwise.network.Engines;
import io.kernelwise.network.TestSpecs;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.KernelwiseProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * One validation path for hyperparameters: the submission and the engine apply the same rules, and
 * every accepted batch size trains every training image once per epoch.
 */
class HyperparameterRulesTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir Path dir;

  JobSubmission submission() {
    return new JobSubmission(new FakeCatalog(), new FakeDatasets(), (d, f) -> "cpu", JSON, "cpu");
  }

  ApiException rejected(String hyperparameters) {
    String body =
        "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"hyperparameters\":"
            + hyperparameters
            + "}";
    try {
      submission().validate(JSON.readTree(body));
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted " + hyperparameters);
  }

  @Test
  void precisionIsFp32Bf16OrAutoAndBf16NeedsACpuThatComputesIt() {
    ApiException e = rejected("{\"precision\":\"fp16\"}");
    assertThat(e.status().value()).isEqualTo(400);
    assertThat(e.errors())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("hyperparameters.precision");
              assertThat(p.message()).contains("fp32, bf16, auto");
            });
    Hyperparameters bf16 = hp("bf16");
    assertThat(HyperparameterRules.problems(bf16, true)).isEmpty();
    assertThat(HyperparameterRules.problems(bf16, false))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("hyperparameters.precision");
              assertThat(p.message()).contains("AVX512_BF16").contains("auto");
            });
    // auto falls back to fp32 where bf16 is not native; fp32 is the default
    assertThat(HyperparameterRules.problems(hp("auto"), false)).isEmpty();
    assertThat(HyperparameterRules.problems(hp(null), false)).isEmpty();
    assertThat(hp(null).precision()).isEqualTo("fp32");
  }

  private static Hyperparameters hp(String precision) {
    return new Hyperparameters(
            null, null, null, null, null, null, null, null, null, null, null, precision)
        .withDefaults();
  }

  @Test
  void batchSizeOneIsRefusedWithTheReason() {
    ApiException e = rejected("{\"batchSize\":1}");
    assertThat(e.status().value()).isEqualTo(400);
    assertThat(e.errors())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("hyperparameters.batchSize");
              assertThat(p.message()).contains("between 2 and").contains("batch normalization");
            });
  }

  @Test
  void theEngineAppliesTheSubmissionsRulesAndThrowsNoHttpException() {
    // the submission refuses 0.95; the engine used to accept anything below 1
    assertThat(rejected("{\"validationSplit\":0.95}").errors())
        .extracting(FieldProblem::field)
        .containsExactly("hyperparameters.validationSplit");
    Hyperparameters hp = new Hyperparameters(1, 4, null, null, null, 0.95, 1L, null).withDefaults();
    assertThatThrownBy(() -> DjlTrainingEngine.validate(hp, images(20, false)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hyperparameters.validationSplit: must be in (0, 0.9]");
    for (String bad :
        List.of(
            "{\"epochs\":0}",
            "{\"optimizer\":{\"momentum\":1}}",
            "{\"schedule\":{\"gamma\":0}}",
            "{\"earlyStopping\":{\"patience\":0}}")) {
      List<FieldProblem> viaHttp = rejected(bad).errors();
      Hyperparameters parsed = JSON.readValue(bad, Hyperparameters.class).withDefaults();
      assertThat(HyperparameterRules.problems(parsed)).isEqualTo(viaHttp);
      assertThatThrownBy(() -> DjlTrainingEngine.validate(parsed, images(20, false)))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(viaHttp.get(0).field());
    }
  }

  @Test
  void batchesCoverEveryImageOnceAndMergeALastSingleImageIntoThePreviousBatch() {
    for (int n = 2; n < 60; n++) {
      for (int b = HyperparameterRules.MIN_BATCH_SIZE; b <= 70; b++) {
        int[] bounds = HyperparameterRules.batches(n, b);
        assertThat(bounds[0]).isZero();
        assertThat(bounds[bounds.length - 1]).isEqualTo(n);
        for (int i = 0; i + 1 < bounds.length; i++) {
          int size = bounds[i + 1] - bounds[i];
          assertThat(size).as("n=%d b=%d batch %d", n, b, i).isBetween(2, b + 1);
        }
      }
    }
    assertThat(HyperparameterRules.batches(9, 4)).containsExactly(0, 4, 9);
    assertThat(HyperparameterRules.batches(10, 4)).containsExactly(0, 4, 8, 10);
    assertThat(HyperparameterRules.batches(3, 8)).containsExactly(0, 3);
  }

  /** 9 training images in batches of 4: 2 steps (4 + 5), not 3 with the last one skipped. */
  @Test
  void theEngineTrainsEveryImageOfAnEpochWithAPartialLastBatch() {
    Engines engines =
        new Engines(
            new KernelwiseProperties(
                null, null, null, null, null, null, new KernelwiseProperties.Djl(true, true)));
    DjlTrainingEngine engine =
        new DjlTrainingEngine(engines, new DjlNetworkFactory(engines), properties());
    DjlTrainingEngineTest.Recorder recorder = new DjlTrainingEngineTest.Recorder(poll -> false);
    TrainingResult result =
        engine.train(
            new TrainingRequest(
                "job-b",
                TestSpecs.seed3x3(),
                images(9, true),
                new Hyperparameters(2, 4, null, null, null, null, 3L, null),
                Device.cpu(),
                dir),
            recorder);
    assertThat(result.cancelled()).isFalse();
    assertThat(recorder.steps)
        .extracting(s -> s.epoch() + ":" + s.step() + "/" + s.stepsPerEpoch())
        .containsExactly("1:1/2", "1:2/2", "2:1/2", "2:2/2");
  }

  static KernelwiseProperties properties() {
    return DjlTrainingEngineTest.properties(1);
  }

  /** {@code n} random 3x32x32 training images over 10 classes, with a test split of 4 or none. */
  static LoadedDataset images(int n, boolean withTest) {
    SplittableRandom rng = new SplittableRandom(5);
    int size = 3 * 32 * 32;
    byte[] pixels = new byte[n * size];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rng.nextInt(256);
    }
    int[] labels = IntStream.range(0, n).map(i -> i % 10).toArray();
    ImageSplit train = new ImageSplit(n, pixels, labels);
    ImageSplit test =
        new ImageSplit(4, java.util.Arrays.copyOf(pixels, 4 * size), new int[] {0, 1, 2, 3});
    return new LoadedDataset(
        "synthetic",
        "synthetic",
        IntStream.range(0, 10).mapToObj(i -> "c" + i).toList(),
        3,
        32,
        32,
        new float[] {0.5f, 0.5f, 0.5f},
        new float[] {0.25f, 0.25f, 0.25f},
        train,
        withTest ? test : null);
  }
}
