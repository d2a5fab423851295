package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.kernelwise.TestImages;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.SpecParser;
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.network.DjlNetworkFactory;
import io.kernelwise.network.Engines;
import io.kernelwise.network.Precision;
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
  static final Path MINI = TestImages.fixture();
  static LoadedDataset mini;
  static Engines engines;
  static DjlNetworkFactory factory;
  static DjlTrainingEngine engine;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    mini = ZipImageDatasets.load(MINI, 2);
    engines =
        new Engines(
            new KernelwiseProperties(
                null, null, null, null, null, null, new KernelwiseProperties.Djl(true, true)));
    factory = new DjlNetworkFactory(engines);
    engine = new DjlTrainingEngine(engines, factory, properties(1));
  }

  static KernelwiseProperties properties(int stepMetricsEvery) {
    return properties(stepMetricsEvery, true);
  }

  static KernelwiseProperties properties(int stepMetricsEvery, boolean scriptedFp32) {
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
            Duration.ofMillis(500),
            scriptedFp32,
            true),
        null,
        null,
        new KernelwiseProperties.Djl(true, true));
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
    String precision;
    int polls;
    boolean cancelled;

    Recorder(IntPredicate cancelAtPoll) {
      this.cancelAtPoll = cancelAtPoll;
    }

    @Override
    public void onStart(String precision) {
      this.precision = precision;
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
  void seed3x3LearnsTheFixtureAndItsParametersReloadIntoAFreshBlock() throws Exception {
    Recorder recorder = new Recorder(poll -> false);
    TrainingResult result =
        // 15 epochs of 400 images: the 6 x 1000 image passes (and steps) the mini set had
        engine.train(request(TestSpecs.seed3x3(), mini, hp(15, 32, true)), recorder);

    assertThat(result.cancelled()).isFalse();
    assertThat(result.stoppedEarly()).isFalse();
    assertThat(result.resumedFromEpoch()).isZero();
    assertThat(result.epochs())
        .extracting(EpochMetrics::epoch)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 15).boxed().toList());
    assertThat(recorder.epochs).isEqualTo(result.epochs());
    assertThat(recorder.steps).hasSize(15 * 13); // 400 images / 32 = 13 steps (last one of 16)
    // 100 test images, chance 0.1: 0.2 is more than 3 standard deviations above guessing
    assertThat(result.testAccuracy()).isGreaterThanOrEqualTo(0.2);
    EpochMetrics first = result.epochs().get(0);
    EpochMetrics last = result.epochs().get(14);
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

  /** A small net with batch norm, so the bf16 route's mixed-type BN trains and resumes too. */
  static final String SMALL_BN =
      """
      {"name":"small-bn","input":{"channels":3,"height":32,"width":32},"classes":10,"layers":[
        {"type":"conv","filters":16,"kernel":3,"batchNorm":true,"activation":"relu"},
        {"type":"maxPool","size":2},
        {"type":"conv","filters":32,"kernel":3,"batchNorm":true,"activation":"relu"},
        {"type":"maxPool","size":2},
        {"type":"flatten"},
        {"type":"dense","units":64,"activation":"relu"},
        {"type":"dense","units":10}]}""";

  @Test
  void bf16TrainsScriptedResumesFromItsCheckpointAndServesThroughTheDjlBlocks() throws Exception {
    assumeTrue(Precision.cpuHasBf16(), "this CPU has no native bf16");
    ArchitectureSpec spec =
        new SpecParser(8)
            .parse(tools.jackson.databind.json.JsonMapper.shared().readTree(SMALL_BN), "");
    Hyperparameters bf16 =
        new Hyperparameters(4, 32, null, null, null, null, 7L, null, null, null, null, "bf16");
    Recorder crashed = new Recorder(poll -> poll == 2 * 13 + 3);
    TrainingResult interrupted = engine.train(request(spec, mini, bf16), crashed);
    assertThat(interrupted.cancelled()).isTrue();
    assertThat(interrupted.precision()).isEqualTo("bf16");
    assertThat(crashed.precision).isEqualTo("bf16");
    assertThat(crashed.epochs).extracting(EpochMetrics::epoch).containsExactly(1, 2);

    Recorder resumed = new Recorder(poll -> false);
    TrainingResult result = engine.train(request(spec, mini, bf16), resumed);
    assertThat(result.resumedFromEpoch()).isEqualTo(2);
    assertThat(resumed.epochs).extracting(EpochMetrics::epoch).containsExactly(3, 4);
    assertThat(result.epochs().get(3).trainLoss()).isLessThan(result.epochs().get(0).trainLoss());
    assertThat(result.testAccuracy()).isGreaterThanOrEqualTo(0.2);

    // the final parameters are fp32 DJL-block parameters: served in fp32, they answer like the
    // bf16 evaluation within bf16's rounding
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InputStream in = Files.newInputStream(result.parameters())) {
      Block block = factory.build(spec);
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
      assertThat(accuracy).isCloseTo(result.testAccuracy(), within(0.05));
    }
  }

  @Test
  void fp32CanStillTrainOnDjlsOwnBlocks() {
    DjlTrainingEngine djlBlocks = new DjlTrainingEngine(engines, factory, properties(1, false));
    TrainingResult result =
        djlBlocks.train(
            request(TestSpecs.seed5x5(), subset(mini, 200, true), hp(2, 50, false)),
            new Recorder(poll -> false));
    assertThat(result.precision()).isEqualTo("fp32");
    assertThat(result.epochs()).hasSize(2);
    assertThat(result.epochs().get(1).trainLoss()).isLessThan(result.epochs().get(0).trainLoss());
    assertThat(result.parameters()).exists();
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

  @Test
  void seed3x3LearnsTheRealMiniSet() {
    Path real = TestImages.realMini().orElse(null);
    assumeTrue(real != null, TestImages.NO_REAL_MINI);
    TrainingResult result =
        engine.train(
            request(TestSpecs.seed3x3(), ZipImageDatasets.load(real, 2), hp(6, 32, true)),
            new Recorder(poll -> false));
    // 200 test images: 0.25 is far above chance (0.1)
    assertThat(result.testAccuracy()).isGreaterThanOrEqualTo(0.25);
  }

  @Test
  void earlyStoppingStopsOncePatienceRunsOut() {
    // a learning rate too small to move any float32 weight: the validation accuracy stays what
    // it was after epoch 1, so epochs 2 and 3 do not improve it and patience 2 stops the run
    Hyperparameters frozen =
        new Hyperparameters(
            10,
            20,
            new Hyperparameters.Optimizer("adam", 1e-20, null, null),
            null,
            null,
            0.2,
            5L,
            new Hyperparameters.EarlyStopping(2, "valAccuracy"));
    Recorder recorder = new Recorder(poll -> false);
    TrainingResult result =
        engine.train(request(TestSpecs.seed3x3(), subset(mini, 100, false), frozen), recorder);
    assertThat(result.cancelled()).isFalse();
    assertThat(result.stoppedEarly()).isTrue();
    assertThat(result.epochs()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    assertThat(result.epochs())
        .extracting(EpochMetrics::valAccuracy)
        .containsOnly(result.epochs().get(0).valAccuracy());
    assertThat(recorder.steps).hasSize(3 * 4); // 80 training images / 20
    assertThat(result.parameters()).exists();
  }

  @Test
  void stepScheduleMultipliesTheRateByGammaEveryStepEpochs() {
    // gamma so small that from epoch 3 on no weight moves: validation loss changes between
    // epochs 1 and 2 (the base rate trains), then stays put (the scheduled rate reached the
    // optimizer)
    Hyperparameters step =
        new Hyperparameters(
            4,
            20,
            new Hyperparameters.Optimizer("adam", 0.002, null, null),
            new Hyperparameters.Schedule("step", 2, 1e-20, null),
            null,
            0.2,
            5L,
            null);
    Recorder recorder = new Recorder(poll -> false);
    TrainingResult result =
        engine.train(request(TestSpecs.seed3x3(), subset(mini, 100, false), step), recorder);
    List<EpochMetrics> epochs = result.epochs();
    double low = 0.002 * Math.pow(1e-20, 1);
    assertThat(epochs)
        .extracting(EpochMetrics::learningRate)
        .containsExactly(0.002, 0.002, low, low);
    assertThat(recorder.steps).hasSize(4 * 4); // 80 training images / 20
    for (StepMetrics s : recorder.steps) {
      assertThat(s.learningRate()).as("step %s", s).isEqualTo(s.epoch() <= 2 ? 0.002 : low);
    }
    assertThat(Math.abs(epochs.get(1).valLoss() - epochs.get(0).valLoss())).isGreaterThan(1e-4);
    assertThat(epochs.get(2).valLoss()).isCloseTo(epochs.get(1).valLoss(), within(1e-7));
    assertThat(epochs.get(3).valLoss()).isCloseTo(epochs.get(1).valLoss(), within(1e-7));
  }

  /** {@code n} training images, taken from each class in turn. */
  static LoadedDataset subset(LoadedDataset d, int n, boolean withTest) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < d.classes().size(); c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < d.train().count(); i++) {
      byClass.get(d.train().labels()[i]).add(i);
    }
    int[] pick = new int[n];
    for (int i = 0; i < n; i++) {
      pick[i] = byClass.get(i % byClass.size()).get(i / byClass.size());
    }
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
