package io.kernelwise.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for the DJL engine, for queue/state/API semantics only: each epoch is
 * {@code stepsPerEpoch} steps of {@code stepMillis}; it polls {@code cancelRequested()} before
 * every step, reports onEpoch before writing its checkpoint (like the real engine) and resumes
 * after the epoch in {@code checkpointDir/last-epoch}. It records what it ran so tests can count
 * runs.
 */
class FakeTrainingEngine implements TrainingEngine {
  final int stepsPerEpoch;
  final long stepMillis;
  final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  final AtomicInteger maxConcurrentRunsOfOneJob = new AtomicInteger();
  final Map<String, List<Integer>> trainedEpochs = new ConcurrentHashMap<>();
  final Map<String, Long> stepsRun = new ConcurrentHashMap<>();

  FakeTrainingEngine(int stepsPerEpoch, long stepMillis) {
    this.stepsPerEpoch = stepsPerEpoch;
    this.stepMillis = stepMillis;
  }

  @Override
  public TrainingResult train(TrainingRequest request, TrainingListener listener) {
    String job = request.jobId();
    runs.computeIfAbsent(job, k -> new AtomicInteger()).incrementAndGet();
    int now = running.computeIfAbsent(job, k -> new AtomicInteger()).incrementAndGet();
    maxConcurrentRunsOfOneJob.accumulateAndGet(now, Math::max);
    try {
      return run(request, listener);
    } finally {
      running.get(job).decrementAndGet();
    }
  }

  private TrainingResult run(TrainingRequest request, TrainingListener listener) {
    String job = request.jobId();
    Path checkpoint = request.checkpointDir().resolve("last-epoch");
    int from = readCheckpoint(checkpoint);
    int epochs = request.hyperparameters().epochs();
    List<EpochMetrics> done = new ArrayList<>();
    int images = 32 * stepsPerEpoch;
    for (int epoch = from + 1; epoch <= epochs; epoch++) {
      for (int step = 1; step <= stepsPerEpoch; step++) {
        if (listener.cancelRequested()) {
          return new TrainingResult(true, false, from, done, null, null);
        }
        sleep(stepMillis);
        stepsRun.merge(job, 1L, Long::sum);
        double loss = 2.0 / (epoch + step / (double) stepsPerEpoch);
        listener.onStep(
            new StepMetrics(epoch, step, stepsPerEpoch, loss, 1 - loss / 2, 0.001, 1000));
      }
      EpochMetrics m =
          new EpochMetrics(
              epoch,
              2.0 / epoch,
              1 - 1.0 / epoch,
              2.1 / epoch,
              1 - 1.1 / epoch,
              0.001,
              images / (stepsPerEpoch * stepMillis / 1000.0 + 1e-9),
              stepsPerEpoch * stepMillis / 1000.0);
      listener.onEpoch(m);
      trainedEpochs.computeIfAbsent(job, k -> new CopyOnWriteArrayList<>()).add(epoch);
      done.add(m);
      writeAtomically(checkpoint, Integer.toString(epoch));
    }
    Path params = request.checkpointDir().resolve("final.params");
    writeAtomically(params, "parameters of " + job);
    return new TrainingResult(false, false, from, done, 1 - 1.2 / epochs, params);
  }

  static int readCheckpoint(Path file) {
    try {
      return Files.exists(file) ? Integer.parseInt(Files.readString(file).trim()) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeAtomically(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
