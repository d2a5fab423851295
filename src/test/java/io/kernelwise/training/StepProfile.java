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
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.network.DjlNetworkFactory;
import io.kernelwise.network.Engines;
import io.kernelwise.network.Precision;
import io.kernelwise.network.ScriptedNetwork;
import io.kernelwise.network.TestSpecs;
import io.kernelwise.system.KernelwiseProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Where a training step's wall time goes, per phase, and how step times evolve from the first step
 * on (windows of {@code -Dwindow=N} steps). A profiling aid for the training benchmark, not a test.
 * Arguments: spec name, steps. {@code -Dthreads=N} intra-op threads (default 2), {@code
 * -Droute=scripted|djl} (default scripted), {@code -Dprecision=fp32|bf16}, {@code
 * -DchannelsLast=true|false}, {@code -DgraphOptimizer=true|false} (default false), {@code
 * -DretainFreedMemory=true|false} (default true, see NativeAllocator).
 */
public final class StepProfile {
  private static final int BATCH = 128;
  private static final int WARM_UP = 5;

  public static void main(String[] args) {
    String spec = args.length > 0 ? args[0] : "seed-3x3";
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int window = Integer.getInteger("window", 20);
    boolean scripted = !"djl".equals(System.getProperty("route", "scripted"));
    Precision precision = Precision.valueOf(System.getProperty("precision", "fp32").toUpperCase());
    boolean channelsLast = Boolean.parseBoolean(System.getProperty("channelsLast", "true"));
    boolean retain = Boolean.parseBoolean(System.getProperty("retainFreedMemory", "true"));
    Engines engines =
        new Engines(
            new KernelwiseProperties(
                null, null, null, null, null, null, new KernelwiseProperties.Djl(true, retain)));
    JniUtils.setNumThreads(Integer.getInteger("threads", 2));
    JniUtils.setGradMode(false);
    // as DjlTrainingEngine does; -DgraphOptimizer=true for TorchScript's profiling executor
    JniUtils.setGraphExecutorOptimize(Boolean.getBoolean("graphOptimizer"));
    LoadedDataset d = ZipImageDatasets.load(Path.of("../shared/datasets/cifar10-mini.zip"), 2);
    Engine engine = engines.engine();
    try (NDManager root = NDManager.newBaseManager()) {
      Block block = new DjlNetworkFactory(engines).build(TestSpecs.byName(spec));
      block.initialize(root, DataType.FLOAT32, new Shape(1, 3, 32, 32));
      ScriptedNetwork script =
          scripted
              ? ScriptedNetwork.of(TestSpecs.byName(spec), block, precision, channelsLast, root)
              : null;
      Block net = script == null ? block : script.block();
      List<Parameter> trainable =
          script == null
              ? block.getParameters().values().stream().filter(Parameter::requiresGradient).toList()
              : script.trainable();
      ParameterUpdater updater =
          new ParameterUpdater(
              new Hyperparameters.Optimizer(
                  System.getProperty("optimizer", "adam"), 0.001, 0.9, 0.0, true, true),
              trainable);
      DeviceImages train =
          new DeviceImages(
              root,
              d.train().pixels(),
              d.train().labels(),
              IntStream.range(0, d.train().count()).toArray(),
              3,
              32,
              32,
              d.mean(),
              d.std());
      ParameterStore store = new ParameterStore(root, false);
      int[] order = TrainingOrder.permutation(train.count(), new SplittableRandom(1));
      long[] t = new long[5];
      long wall = 0;
      long windowStart = System.nanoTime();
      long faultsStart = minorFaults();
      System.out.printf(
          "%s, %s route, %s, channels-last %s, %d steps of %d%n",
          spec, scripted ? "scripted" : "DJL-block", precision.json(), channelsLast, steps, BATCH);
      for (int s = 0; s < steps; s++) {
        int from = (s * BATCH) % (train.count() - BATCH);
        long c0 = System.nanoTime();
        try (NDManager step = root.newSubManager()) {
          DeviceImages.Batch b =
              train.batch(
                  step, order, from, from + BATCH, new DeviceImages.Augment(false, 0), null);
          long c1 = System.nanoTime();
          try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray logits = net.forward(store, new NDList(b.x()), true).singletonOrThrow();
            long c2 = System.nanoTime();
            NDArray loss = Evaluation.crossEntropy(logits, b.y());
            long c3 = System.nanoTime();
            gc.backward(loss);
            long c4 = System.nanoTime();
            updater.step(0.001f);
            long c5 = System.nanoTime();
            if (s >= WARM_UP) {
              t[0] += c1 - c0;
              t[1] += c2 - c1;
              t[2] += c3 - c2;
              t[3] += c4 - c3;
              t[4] += c5 - c4;
            }
          }
        }
        long end = System.nanoTime();
        if (s >= WARM_UP) {
          wall += end - c0;
        }
        if ((s + 1) % window == 0) {
          long faults = minorFaults();
          System.out.printf(
              "steps %4d-%4d %7.2f ms/step, %6d minor page faults/step%n",
              s + 2 - window,
              s + 1,
              (end - windowStart) / 1e6 / window,
              (faults - faultsStart) / window);
          windowStart = end;
          faultsStart = faults;
        }
      }
      int n = steps - WARM_UP;
      String[] names = {"batch", "forward", "loss", "backward", "adam"};
      long total = 0;
      for (int i = 0; i < 5; i++) {
        total += t[i];
        System.out.printf("%-14s %7.2f ms/step%n", names[i], t[i] / 1e6 / n);
      }
      System.out.printf(
          "sum of phases %.2f ms/step, wall %.2f ms/step -> %.0f img/s%n",
          total / 1e6 / n, wall / 1e6 / n, BATCH * n / (wall / 1e9));
    }
  }

  /** This process's minor page faults so far (Linux), -1 elsewhere: fresh pages cost a fault. */
  private static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
