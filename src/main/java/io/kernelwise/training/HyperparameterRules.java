package io.kernelwise.training;

import io.kernelwise.network.Precision;
import io.kernelwise.system.FieldProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that says which hyperparameters are valid. {@code POST /jobs} (and experiments,
 * through the jobs service) report its problems as a 400; the engine re-checks a stored job with
 * the same rules and fails it with the same message, so the two cannot drift apart.
 *
 * <p>Adding a hyperparameter: a record component and its default in {@link
 * Hyperparameters#withDefaults()}, and one line in {@link #problems} (the checks below name the
 * field by its JSON path, e.g. {@code hyperparameters.schedule.gamma}).
 */
public final class HyperparameterRules {
  /** BatchNorm in training mode needs two images per batch; see {@link #batches}. */
  public static final int MIN_BATCH_SIZE = 2;

  public static final int MAX_BATCH_SIZE = 4096;
  public static final int MAX_EPOCHS = 1000;
  public static final double MAX_VALIDATION_SPLIT = 0.9;
  public static final int MAX_TEST_TIME_TRANSLATE = 4;
  private static final String P = "hyperparameters.";

  private HyperparameterRules() {}

  /** Every problem of {@code hp} (defaults already filled in), empty when valid. */
  public static List<FieldProblem> problems(Hyperparameters hp) {
    return problems(hp, Precision.cpuHasBf16());
  }

  /** {@code bf16Cpu}: whether this machine's CPU computes bf16 natively. */
  static List<FieldProblem> problems(Hyperparameters hp, boolean bf16Cpu) {
    Checks c = new Checks();
    c.range("epochs", hp.epochs(), 1, MAX_EPOCHS);
    c.range(
        "batchSize",
        hp.batchSize(),
        MIN_BATCH_SIZE,
        MAX_BATCH_SIZE,
        " (batch normalization needs at least two images per batch)");
    var o = hp.optimizer();
    c.oneOf("optimizer.type", o.type(), "adam", "sgd");
    c.check("optimizer.learningRate", o.learningRate() > 0 && o.learningRate() <= 10, "> 0, <= 10");
    c.check("optimizer.momentum", o.momentum() >= 0 && o.momentum() < 1, "in [0, 1)");
    c.check("optimizer.weightDecay", o.weightDecay() >= 0 && o.weightDecay() <= 1, "in [0, 1]");
    if (o.nesterov()) {
      c.check(
          "optimizer.nesterov",
          "sgd".equals(o.type()) && o.momentum() > 0,
          "false unless optimizer.type is sgd with a momentum above 0");
    }
    var s = hp.schedule();
    c.oneOf("schedule.type", s.type(), "none", "step", "cosine", "linear", "onecycle");
    c.range("schedule.stepEpochs", s.stepEpochs(), 1, MAX_EPOCHS);
    c.check("schedule.gamma", s.gamma() > 0 && s.gamma() <= 1, "in (0, 1]");
    boolean epochsOk = hp.epochs() >= 1 && hp.epochs() <= MAX_EPOCHS; // else already reported
    c.check(
        "schedule.warmupEpochs",
        s.warmupEpochs() >= 0 && (!epochsOk || s.warmupEpochs() < hp.epochs()),
        ">= 0 and less than epochs");
    c.range("augmentation.cropPadding", hp.augmentation().cropPadding(), 0, 64);
    c.check("labelSmoothing", hp.labelSmoothing() >= 0 && hp.labelSmoothing() < 0.5, "in [0, 0.5)");
    c.range("testTimeTranslate", hp.testTimeTranslate(), 0, MAX_TEST_TIME_TRANSLATE);
    c.check(
        "validationSplit",
        hp.validationSplit() > 0 && hp.validationSplit() <= MAX_VALIDATION_SPLIT,
        "in (0, " + MAX_VALIDATION_SPLIT + "]");
    if (hp.earlyStopping() != null) {
      c.range("earlyStopping.patience", hp.earlyStopping().patience(), 1, MAX_EPOCHS);
      c.oneOf("earlyStopping.metric", hp.earlyStopping().metric(), "valAccuracy", "valLoss");
    }
    c.oneOf("precision", hp.precision(), "fp32", "bf16", Precision.AUTO);
    // emulated bf16 is slower than fp32: refuse it rather than train slowly; auto falls back
    c.check(
        "precision",
        !"bf16".equals(hp.precision()) || bf16Cpu,
        "fp32 or auto on this instance: its CPU has neither AVX512_BF16 nor AMX, so bf16 would"
            + " be emulated (slower than fp32)");
    return c.problems;
  }

  /**
   * How many images train per epoch when the dataset has {@code trainImages} and no test split (the
   * rest is held out for validation); the dataset's train count when it has a test split.
   */
  public static int trainingImages(int trainImages, boolean hasTest, double validationSplit) {
    if (hasTest) {
      return trainImages;
    }
    return trainImages - heldOut(trainImages, validationSplit);
  }

  /** Images held out for validation from a train split of {@code n} without a test split. */
  public static int heldOut(int n, double validationSplit) {
    return (int) Math.max(1, Math.min(n - 1, Math.round(n * validationSplit)));
  }

  /**
   * Batch boundaries of an epoch over {@code n} images: {@code ceil(n / batchSize)} batches, every
   * image in exactly one; a last batch that would hold a single image is merged into the one before
   * it (which then holds {@code batchSize + 1}), as BatchNorm cannot train on one image. Returns
   * the start offsets plus {@code n} at the end.
   */
  public static int[] batches(int n, int batchSize) {
    int count = (n + batchSize - 1) / batchSize;
    if (count > 1 && n % batchSize == 1) {
      count--;
    }
    int[] bounds = new int[count + 1];
    for (int i = 0; i < count; i++) {
      bounds[i] = i * batchSize;
    }
    bounds[count] = n;
    return bounds;
  }

  /** Collects problems with the field's path and a message that says what is allowed. */
  private static final class Checks {
    final List<FieldProblem> problems = new ArrayList<>();

    void check(String field, boolean ok, String allowed) {
      if (!ok) {
        problems.add(new FieldProblem(P + field, "must be " + allowed));
      }
    }

    void range(String field, int v, int min, int max) {
      range(field, v, min, max, "");
    }

    void range(String field, int v, int min, int max, String why) {
      check(field, v >= min && v <= max, "between " + min + " and " + max + why);
    }

    void oneOf(String field, String v, String... allowed) {
      if (!List.of(allowed).contains(v)) {
        problems.add(
            new FieldProblem(
                P + field, "must be one of " + String.join(", ", allowed) + ", not '" + v + "'"));
      }
    }
  }
}
