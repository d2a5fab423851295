package io.kernelwise.bench;

import ai.djl.Device;
import io.kernelwise.datasets.ImageSplit;
import io.kernelwise.datasets.LoadedDataset;
import io.kernelwise.network.DjlNetworkFactory;
import io.kernelwise.network.Engines;
import io.kernelwise.network.TestSpecs;
import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.training.DjlTrainingEngine;
import io.kernelwise.training.EpochMetrics;
import io.kernelwise.training.Hyperparameters;
import io.kernelwise.training.StepMetrics;
import io.kernelwise.training.TrainingListener;
import io.kernelwise.training.TrainingRequest;
import io.kernelwise.training.TrainingResult;
import io.kernelwise.training.ZipImageDatasets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains the article's three nets through {@link DjlTrainingEngine} (checkpoints, listeners,
 * metrics included) and runs the PyTorch peer with the same settings in the same run; prints both
 * images/second and the ratio. Run with {@code bench/training-engine.sh}.
 *
 * <p>Arguments: {@code --data zip} [{@code --epochs 1}] [{@code --threads 2}] [{@code --limit N}]
 * [{@code --specs seed-3x3,seed-5x5,seed-separable}] [{@code --no-peer}] [{@code --augment}]
 * [{@code --precision fp32|bf16|auto}].
 */
public final class TrainingEngineBenchmark {
  private static final Pattern PEER_EPOCH =
      Pattern.compile("\"imagesPerSecond\": ([0-9.]+).*\"testAccuracy\": ([0-9.]+)");

  public static void main(String[] args) throws Exception {
    Path data = Path.of("../shared/datasets/cifar10.zip");
    int epochs = 1;
    int threads = 2;
    int limit = 0;
    boolean peer = true;
    boolean augment = false;
    String precision = null;
    List<String> specs = List.of("seed-3x3", "seed-5x5", "seed-separable");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--limit" -> limit = Integer.parseInt(args[++i]);
        case "--specs" -> specs = Arrays.asList(args[++i].split(","));
        case "--no-peer" -> peer = false;
        case "--augment" -> augment = true;
        case "--precision" -> precision = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    long t0 = System.nanoTime();
    LoadedDataset dataset = ZipImageDatasets.load(data, threads);
    if (limit > 0) {
      dataset = limited(dataset, limit);
    }
    System.out.printf(
        "decoded %s: %d train, %d test images in %.1f s%n",
        data, dataset.train().count(), dataset.test().count(), (System.nanoTime() - t0) / 1e9);

    KernelwiseProperties properties =
        new KernelwiseProperties(
            null,
            null,
            null,
            new KernelwiseProperties.Training(
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                threads,
                50,
                "cpu",
                "bench",
                Duration.ofMillis(500),
                true,
                true),
            null,
            null,
            new KernelwiseProperties.Djl(true, true));
    Engines engines = new Engines(properties);
    DjlTrainingEngine engine =
        new DjlTrainingEngine(engines, new DjlNetworkFactory(engines), properties);

    List<String> summary = new ArrayList<>();
    for (String name : specs) {
      Path dir = Files.createTempDirectory("kw-bench-" + name);
      Hyperparameters hp =
          new Hyperparameters(
              epochs,
              128,
              new Hyperparameters.Optimizer("adam", 0.001, null, null),
              null,
              new Hyperparameters.Augmentation(augment, augment, 4),
              null,
              0L,
              null,
              null,
              null,
              null,
              precision);
      long start = System.nanoTime();
      TrainingResult result =
          engine.train(
              new TrainingRequest(
                  "bench-" + name, TestSpecs.byName(name), dataset, hp, Device.cpu(), dir),
              new Listener());
      double wall = (System.nanoTime() - start) / 1e9;
      double djl =
          result.epochs().stream().mapToDouble(EpochMetrics::imagesPerSecond).average().orElse(0);
      for (EpochMetrics e : result.epochs()) {
        System.out.println("djl " + name + " " + e);
      }
      String line =
          String.format(
              "%-15s djl %s %7.1f img/s (train() wall incl. setup, validation, checkpoints: %.1f"
                  + " s) test acc %.4f",
              name, result.precision(), djl, wall, result.testAccuracy());
      if (peer) {
        double[] p = runPeer(name, data, epochs, threads, limit);
        line +=
            String.format(
                " | peer %7.1f img/s test acc %.4f | ratio %.2fx", p[0], p[1], djl / p[0]);
      }
      System.out.println(line);
      summary.add(line);
    }
    System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.println("=== summary (batch 128, Adam 1e-3, " + threads + " threads) ===");
    summary.forEach(System.out::println);
  }

  /** Runs ../shared/bench/pytorch_peer.py from its directory; returns {img/s, test accuracy}. */
  private static double[] runPeer(String name, Path data, int epochs, int threads, int limit)
      throws Exception {
    Path bench = Path.of("../shared/bench").toAbsolutePath().normalize();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/python3",
                "pytorch_peer.py",
                "--spec",
                "specs/" + name + ".json",
                "--data",
                data.toAbsolutePath().normalize().toString(),
                "--epochs",
                Integer.toString(epochs),
                "--batch-size",
                "128",
                "--threads",
                Integer.toString(threads)));
    if (limit > 0) {
      cmd.addAll(List.of("--limit", Integer.toString(limit)));
    }
    Process process =
        new ProcessBuilder(cmd).directory(bench.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("peer failed:\n" + out);
    }
    double rate = 0;
    double accuracy = 0;
    int n = 0;
    for (String l : out.split("\n")) {
      System.out.println("peer " + name + " " + l);
      Matcher m = PEER_EPOCH.matcher(l);
      if (m.find()) {
        rate += Double.parseDouble(m.group(1));
        accuracy = Double.parseDouble(m.group(2));
        n++;
      }
    }
    return new double[] {rate / n, accuracy};
  }

  private static LoadedDataset limited(LoadedDataset d, int limit) {
    int size = d.channels() * d.height() * d.width();
    ImageSplit t = d.train();
    int n = Math.min(limit, t.count());
    ImageSplit train =
        new ImageSplit(n, Arrays.copyOf(t.pixels(), n * size), Arrays.copyOf(t.labels(), n));
    return new LoadedDataset(
        d.id(),
        d.name(),
        d.classes(),
        d.channels(),
        d.height(),
        d.width(),
        d.mean(),
        d.std(),
        train,
        d.test());
  }

  /** Stands in for the jobs feature's listener: takes every callback, never cancels. */
  private static final class Listener implements TrainingListener {
    @Override
    public void onStep(StepMetrics step) {}

    @Override
    public void onEpoch(EpochMetrics epoch) {}

    @Override
    public boolean cancelRequested() {
      return false;
    }
  }
}
