package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.network.DjlNetworkFactory;
import io.kernelwise.network.Engines;
import io.kernelwise.network.TestSpecs;
import io.kernelwise.system.KernelwiseProperties;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlTrainingEngineTest {
  static final Path MINI = Path.of("../shared/datasets/cifar10-mini.zip");
  static LoadedDataset mini;
  static DjlNetworkFactory factory;
  static DjlTrainingEngine engine;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    mini = ZipImageDatasets.load(MINI, 2);
    Engines engines =
        new Engines(
            new KernelwiseProperties(
                null, null, null, null, null, null, new KernelwiseProperties.Djl(true)));
    factory = new DjlNetworkFactory(engines);
    engine = new DjlTrainingEngine(engines, factory, properties(1));
  }

  static KernelwiseProperties properties(int stepMetricsEvery) {
    return new KernelwiseProperties(
        null,
        null,
        null,
        new KernelwiseProperties.Training(
            1,
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            2,
            stepMetricsEvery,
            "cpu",
            "engine-test",
            Duration.ofMillis(500)),
        null,
        null,
        new KernelwiseProperties.Djl(true));
  }

  static Hyperparameters hp(int epochs, int batch, boolean augment) {
    return new Hyperparameters(
        epochs,
        batch,
        null,
        null,
        new Hyperparameters.Augmentation(augment, augment, 4),
        null,
        7L,
        null);
  }

  TrainingRequest request(ArchitectureSpec spec, LoadedDataset data, Hyperparameters hp) {
    return new TrainingRequest("job-1", spec, data, hp, Device.cpu(), dir);
  }

  /** Records callbacks; cancels once {@code cancelAtStep} says so (0-based count of polls). */
  static final class Recorder implements TrainingListener {
    final List<StepMetrics> steps = new ArrayList<>();
    final List<EpochMetrics> epochs = new ArrayList<>();
    final IntPredicate cancelAtPoll;
    int polls;
    boolean cancelled;

    Recorder(IntPredicate cancelAtPoll) {
      this.cancelAtPoll = cancelAtPoll;
    }

    @Override
    public void onStep(StepMetrics step) {
      steps.add(step);
    }

    @Override
    public void onEpoch(EpochMetrics epoch) {
      epochs.add(epoch);
    }

    @Override
    public boolean cancelRequested() {
      assertThat(cancelled).as("polled again after a cancel").isFalse();
      cancelled = cancelAtPoll.test(polls++);
      return cancelled;
    }
  }

  @Test
  void seed3x3LearnsMiniCifarAndItsParametersReloadIntoAFreshBlock() throws Exception {
    Recorder recorder = new Recorder(poll -> false);
    TrainingResult result =
        engine.train(request(TestSpecs.seed3x3(), mini, hp(6, 32, true)), recorder);

    assertThat(result.cancelled()).isFalse();
    assertThat(result.resumedFromEpoch()).isZero();
    assertThat(result.epochs()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(recorder.epochs).isEqualTo(result.epochs());
    assertThat(recorder.steps).hasSize(6 * 32); // 1000 images / 32 = 32 steps (last one of 8)
    assertThat(result.testAccuracy()).isGreaterThanOrEqualTo(0.25);
    EpochMetrics first = result.epochs().get(0);
    EpochMetrics last = result.epochs().get(5);
    assertThat(last.trainLoss()).isLessThan(first.trainLoss());
    assertThat(last.valAccuracy()).isEqualTo(result.testAccuracy());

    // the final parameter file is what serving loads into a block built by the same factory
    assertThat(result.parameters()).isEqualTo(dir.resolve("final.params")).exists();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InputStream in = Files.newInputStream(result.parameters())) {
      Block block = factory.build(TestSpecs.seed3x3());
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
      block.loadParameters(manager, new DataInputStream(in));
      DeviceImages test =
          new DeviceImages(
              manager,
              mini.test().pixels(),
              mini.test().labels(),
              java.util.stream.IntStream.range(0, mini.test().count()).toArray(),
              3,
              32,
              32,
              mini.mean(),
              mini.std());
      DeviceImages.Batch batch = test.slice(manager, 0, test.count());
      var logits =
          block
              .forward(new ParameterStore(manager, false), new NDList(batch.x()), false)
              .singletonOrThrow();
      double accuracy = logits.argMax(1).eq(batch.y()).sum().getLong() / (double) test.count();
      assertThat(accuracy).isEqualTo(result.testAccuracy());
    }
  }

  @Test
  void cancelStopsWithinOneStep() {
    Recorder recorder = new Recorder(poll -> poll == 5);
    TrainingResult result =
        engine.train(request(TestSpecs.seed5x5(), mini, hp(3, 32, false)), recorder);
    assertThat(result.cancelled()).isTrue();
    assertThat(result.parameters()).isNull();
    assertThat(recorder.polls).isEqualTo(6);
    assertThat(recorder.steps).hasSize(5);
    assertThat(recorder.epochs).isEmpty();
    assertThat(Checkpoints.exists(dir)).isFalse();
  }

  @Test
  void resumesAfterTheLastCheckpointedEpochAndRunsOnlyTheRemainingOnes() {
    int stepsPerEpoch = 4;
    LoadedDataset small = subset(mini, 256, false);
    // first run: "crash" (cancel) in the middle of epoch 3, after epoch 2's checkpoint
    Recorder crashed = new Recorder(poll -> poll == 2 * stepsPerEpoch + 2);
    TrainingResult interrupted =
        engine.train(request(TestSpecs.seedSeparable(), small, hp(4, 64, true)), crashed);
    assertThat(interrupted.cancelled()).isTrue();
    assertThat(crashed.epochs).extracting(EpochMetrics::epoch).containsExactly(1, 2);
    assertThat(Checkpoints.exists(dir)).isTrue();

    Recorder resumed = new Recorder(poll -> false);
    TrainingResult result =
        engine.train(request(TestSpecs.seedSeparable(), small, hp(4, 64, true)), resumed);
    assertThat(result.cancelled()).isFalse();
    assertThat(result.resumedFromEpoch()).isEqualTo(2);
    assertThat(resumed.epochs).extracting(EpochMetrics::epoch).containsExactly(3, 4);
    assertThat(resumed.steps).hasSize(2 * stepsPerEpoch);
    assertThat(result.epochs()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4);
    assertThat(result.epochs().subList(0, 2)).isEqualTo(crashed.epochs);
    assertThat(result.parameters()).exists();
  }

  @Test
  void withoutACheckpointARunStartsAtEpochOneAndHoldsOutValidationWithoutATestSplit() {
    LoadedDataset noTest = subset(mini, 400, false);
    Hyperparameters sgd =
        new Hyperparameters(
            2,
            50,
            new Hyperparameters.Optimizer("sgd", 0.05, null, 5e-4),
            new Hyperparameters.Schedule("cosine", null, null, 1),
            null,
            0.2,
            3L,
            new Hyperparameters.EarlyStopping(5, "valLoss"));
    Recorder recorder = new Recorder(poll -> false);
    TrainingResult result = engine.train(request(TestSpecs.seed5x5(), noTest, sgd), recorder);
    assertThat(result.resumedFromEpoch()).isZero();
    assertThat(recorder.epochs).extracting(EpochMetrics::epoch).containsExactly(1, 2);
    assertThat(recorder.steps).hasSize(2 * 7); // 320 training images / 50
    assertThat(result.testAccuracy()).isNull();
    assertThat(result.epochs()).allSatisfy(e -> assertThat(e.valAccuracy()).isNotNull());
    // warm-up for the first epoch, then cosine down to zero at the end
    assertThat(recorder.steps.get(0).learningRate()).isCloseTo(0.05 / 7, within(1e-9));
    assertThat(recorder.steps.get(6).learningRate()).isCloseTo(0.05, within(1e-9));
    assertThat(recorder.steps.get(13).learningRate())
        .isCloseTo(0.05 * 0.5 * (1 + Math.cos(Math.PI * 6 / 7)), within(1e-9));
  }

  /** The first {@code n} training images of mini (classes are interleaved by the sort order). */
  static LoadedDataset subset(LoadedDataset d, int n, boolean withTest) {
    int[] pick =
        java.util.stream.IntStream.range(0, d.train().count())
            .filter(i -> i % (d.train().count() / n) == 0)
            .limit(n)
            .toArray();
    int size = 3 * 32 * 32;
    byte[] pixels = new byte[n * size];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(d.train().pixels(), pick[i] * size, pixels, i * size, size);
      labels[i] = d.train().labels()[pick[i]];
    }
    return new LoadedDataset(
        d.id(),
        d.name(),
        d.classes(),
        3,
        32,
        32,
        d.mean(),
        d.std(),
        new io.kernelwise.datasets.ImageSplit(n, pixels, labels),
        withTest ? d.test() : null);
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
