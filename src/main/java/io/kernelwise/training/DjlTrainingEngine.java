package io.kernelwise.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import io.kernelwise.datasets.ImageSplit;
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.network.Engines;
import io.kernelwise.network.NetworkFactory;
import io.kernelwise.network.Precision;
import io.kernelwise.network.ScriptedNetwork;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.KernelwiseProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Trains a spec on a loaded dataset with DJL on the PyTorch engine, in a lean loop of its own
 * rather than DJL's {@code EasyTrain}: the data lives on the device as uint8 and is batched,
 * augmented and normalized there; metrics accumulate on the device and are read only when reported;
 * each step's temporaries live in a sub-manager closed after the step.
 */
@Component
public class DjlTrainingEngine implements TrainingEngine {
  private static final Logger log = LoggerFactory.getLogger(DjlTrainingEngine.class);
  static final String FINAL_PARAMETERS = "final.params";

  private final Engine engine;
  private final NetworkFactory networks;
  private final KernelwiseProperties.Training settings;

  public DjlTrainingEngine(
      Engines engines, NetworkFactory networks, KernelwiseProperties properties) {
    this.engine = engines.engine();
    this.networks = networks;
    this.settings = properties.training();
  }

  @Override
  public TrainingResult train(TrainingRequest request, TrainingListener listener) {
    Hyperparameters hp = request.hyperparameters().withDefaults();
    validate(hp, request.data());
    int threads =
        settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
    JniUtils.setNumThreads(threads);
    engine.setRandomSeed((int) hp.seed().longValue());
    // PyTorch's grad mode is per thread and on by default; the gradient collector turns it on
    // for each step and back to this thread's mode after it, so evaluation must find it off, or
    // every validation batch records an autograd graph that accumulates into the loss sum
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    // TorchScript's profiling executor re-plans the scripted module's graph with its own autodiff;
    // the plain interpreter records eager autograd instead, 10% faster a step for seed-5x5 (issue
    // 13). The switch is per thread, and serving never runs on this one
    JniUtils.setGraphExecutorOptimize(false);
    try (NDManager root = NDManager.newBaseManager(request.device())) {
      return new Run(request, hp, listener, root).execute();
    } finally {
      JniUtils.setGradMode(gradMode);
      JniUtils.setGraphExecutorOptimize(true);
    }
  }

  /**
   * The submission's rules again ({@link HyperparameterRules}), for a stored job: a job that breaks
   * them fails with the same message instead of training something else than it says.
   */
  static void validate(Hyperparameters hp, LoadedDataset data) {
    List<FieldProblem> problems = new ArrayList<>(HyperparameterRules.problems(hp));
    int trainCount = data.train() == null ? 0 : data.train().count();
    if (trainCount < 2
        || HyperparameterRules.trainingImages(trainCount, data.test() != null, hp.validationSplit())
            < HyperparameterRules.MIN_BATCH_SIZE) {
      problems.add(new FieldProblem("datasetId", "too few training images to train"));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          problems.stream().map(p -> p.field() + ": " + p.message()).toList().toString());
    }
  }

  /** One training run: its device data, network, optimizer and loop state. */
  private final class Run {
    private final TrainingRequest request;
    private final Hyperparameters hp;
    private final TrainingListener listener;
    private final NDManager root;
    private final LoadedDataset data;

    Run(TrainingRequest request, Hyperparameters hp, TrainingListener listener, NDManager root) {
      this.request = request;
      this.hp = hp;
      this.listener = listener;
      this.root = root;
      this.data = request.data();
    }

    TrainingResult execute() {
      Block block = networks.build(request.spec());
      block.setInitializer(
          new XavierInitializer(
              XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
          Parameter.Type.WEIGHT);
      Shape inputShape = new Shape(1, data.channels(), data.height(), data.width());
      block.initialize(root, DataType.FLOAT32, inputShape);
      Precision precision = Precision.resolve(hp.precision(), request.device());
      listener.onStart(precision.json());
      // bf16 only runs scripted; the DJL blocks stay the format of checkpoints and final
      // parameters (same parameters, same order), so nothing downstream knows the difference
      boolean script = precision == Precision.BF16 || settings.scriptedFp32();
      try (ScriptedNetwork scripted =
          script
              ? ScriptedNetwork.of(request.spec(), block, precision, settings.channelsLast(), root)
              : null) {
        return train(block, scripted, precision);
      }
    }

    private TrainingResult train(Block block, ScriptedNetwork scripted, Precision precision) {
      Block net = scripted == null ? block : scripted.block();
      List<Parameter> trainable =
          scripted == null
              ? block.getParameters().values().stream().filter(Parameter::requiresGradient).toList()
              : scripted.trainable();
      try (ParameterUpdater updater = new ParameterUpdater(hp.optimizer(), trainable)) {
        return train(block, scripted, precision, net, updater);
      }
    }

    private TrainingResult train(
        Block block,
        ScriptedNetwork scripted,
        Precision precision,
        Block net,
        ParameterUpdater updater) {
      Optional<Checkpoints.State> resumed =
          Checkpoints.read(request.checkpointDir(), block, updater, root);
      if (scripted != null && resumed.isPresent()) {
        scripted.copyFrom(block);
      }
      int startEpoch = resumed.map(s -> s.epoch() + 1).orElse(1);
      List<EpochMetrics> epochs =
          new ArrayList<>(resumed.map(Checkpoints.State::epochs).orElse(List.of()));
      EarlyStopping stopping = new EarlyStopping(hp.earlyStopping(), resumed);
      resumed.ifPresent(s -> log.info("job {} resumes after epoch {}", request.jobId(), s.epoch()));

      TrainingOrder.Split split =
          TrainingOrder.split(
              data.train().count(), data.test() != null, hp.seed(), hp.validationSplit());
      try (DeviceImages train = images(data.train(), split.train());
          DeviceImages validation =
              data.test() != null
                  ? images(data.test(), IntStream.range(0, data.test().count()).toArray())
                  : images(data.train(), split.validation())) {
        int[] batches = HyperparameterRules.batches(train.count(), hp.batchSize());
        long stepsPerEpoch = batches.length - 1;
        LearningRates rates =
            new LearningRates(
                hp.optimizer().learningRate(), hp.schedule(), hp.epochs(), stepsPerEpoch);
        ParameterStore store = new ParameterStore(root, false);
        // a run checkpointed right after early stopping does not train on when resumed
        for (int epoch = startEpoch; epoch <= hp.epochs() && !stopping.stopped(); epoch++) {
          EpochMetrics metrics =
              trainEpoch(epoch, net, store, updater, train, validation, rates, batches);
          if (metrics == null) {
            return new TrainingResult(
                true, false, startEpoch - 1, List.copyOf(epochs), null, null, precision.json());
          }
          epochs.add(metrics);
          listener.onEpoch(metrics);
          stopping.record(metrics);
          if (request.checkpointDir() != null) {
            if (scripted != null) {
              scripted.copyTo(block);
            }
            Checkpoints.write(
                request.checkpointDir(),
                new Checkpoints.State(
                    epoch,
                    hp.seed(),
                    stopping.best(),
                    stopping.badEpochs(),
                    updater.steps(),
                    epochs,
                    precision.json()),
                block,
                updater);
          }
        }
        Double testAccuracy = null;
        if (data.test() != null) {
          EpochMetrics last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
          testAccuracy =
              last != null && last.epoch() >= startEpoch
                  ? last.valAccuracy()
                  : evaluate(net, store, validation).accuracy();
        }
        Path parameters = null;
        if (request.checkpointDir() != null) {
          if (scripted != null) {
            scripted.copyTo(block);
          }
          parameters =
              Checkpoints.writeParameters(request.checkpointDir().resolve(FINAL_PARAMETERS), block);
        }
        return new TrainingResult(
            false,
            stopping.stopped(),
            startEpoch - 1,
            List.copyOf(epochs),
            testAccuracy,
            parameters,
            precision.json());
      }
    }

    /** Returns the epoch's metrics, or null when cancelled. */
    private EpochMetrics trainEpoch(
        int epoch,
        Block block,
        ParameterStore store,
        ParameterUpdater updater,
        DeviceImages train,
        DeviceImages validation,
        LearningRates rates,
        int[] batches) {
      long stepsPerEpoch = batches.length - 1;
      // every epoch's order, augmentation and dropout follow from (seed, epoch) alone, so a
      // resumed run repeats exactly what the interrupted one would have done
      long epochSeed = hp.seed() * 1_000_003L + epoch;
      SplittableRandom rng = new SplittableRandom(epochSeed);
      engine.setRandomSeed((int) (epochSeed ^ (epochSeed >>> 32)));
      int[] order = TrainingOrder.permutation(train.count(), rng);
      DeviceImages.Augment augment =
          new DeviceImages.Augment(
              hp.augmentation().flip(),
              hp.augmentation().crop() ? hp.augmentation().cropPadding() : 0);
      int every = Math.max(1, settings.stepMetricsEvery());
      long start = System.nanoTime();
      double lr = rates.at(epoch, (epoch - 1) * stepsPerEpoch);
      int seen = 0;
      try (NDManager epochManager = root.newSubManager()) {
        NDArray lossSum = epochManager.zeros(new Shape(), DataType.FLOAT32);
        NDArray correct = epochManager.zeros(new Shape(), DataType.INT64);
        for (long s = 0; s < stepsPerEpoch; s++) {
          if (listener.cancelRequested()) {
            return null;
          }
          int from = batches[(int) s];
          int to = batches[(int) s + 1];
          lr = rates.at(epoch, (epoch - 1) * stepsPerEpoch + s);
          try (NDManager step = epochManager.newSubManager()) {
            DeviceImages.Batch batch = train.batch(step, order, from, to, augment, rng);
            try (GradientCollector collector = engine.newGradientCollector()) {
              NDArray logits = block.forward(store, new NDList(batch.x()), true).singletonOrThrow();
              NDArray loss =
                  Evaluation.crossEntropy(logits, batch.y(), hp.labelSmoothing().floatValue());
              collector.backward(loss);
              NDArray detached = loss.stopGradient();
              lossSum.addi(detached.mul(batch.size()));
              correct.addi(logits.stopGradient().argMax(1).eq(batch.y()).sum());
            }
            updater.step((float) lr);
          }
          seen += to - from;
          if ((s + 1) % every == 0) {
            double secs = (System.nanoTime() - start) / 1e9;
            listener.onStep(
                new StepMetrics(
                    epoch,
                    s + 1,
                    stepsPerEpoch,
                    lossSum.getFloat() / seen,
                    (double) correct.getLong() / seen,
                    lr,
                    seen / secs));
          }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double trainLoss = lossSum.getFloat() / seen;
        double trainAccuracy = (double) correct.getLong() / seen;
        Evaluation.Score val = evaluate(block, store, validation);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EpochMetrics(
            epoch,
            trainLoss,
            trainAccuracy,
            val.loss(),
            val.accuracy(),
            lr,
            seen / trainSeconds,
            seconds);
      }
    }

    private Evaluation.Score evaluate(Block block, ParameterStore store, DeviceImages images) {
      return Evaluation.evaluate(
          block, store, images, hp.batchSize(), hp.testTimeFlip(), hp.testTimeTranslate(), root);
    }

    private DeviceImages images(ImageSplit split, int[] indices) {
      return new DeviceImages(
          root,
          split.pixels(),
          split.labels(),
          indices,
          data.channels(),
          data.height(),
          data.width(),
          data.mean(),
          data.std());
    }
  }
}
