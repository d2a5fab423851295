package io.kernelwise.training;

/**
 * Training settings of a job (SPEC "Hyperparameters"); nulls in the request take the defaults of
 * {@link #withDefaults()}. {@code precision}: fp32 | bf16 | auto (bf16 where this machine computes
 * it natively: a GPU, or a CPU with AVX512_BF16 or AMX; else fp32); bf16 trains fp32 master weights
 * with bf16 arithmetic.
 */
public record Hyperparameters(
    Integer epochs,
    Integer batchSize,
    Optimizer optimizer,
    Schedule schedule,
    Augmentation augmentation,
    Double validationSplit,
    Long seed,
    EarlyStopping earlyStopping,
    Double labelSmoothing,
    Boolean testTimeFlip,
    String precision) {

  /**
   * Without the recipe options ({@code labelSmoothing}, {@code testTimeFlip}) and {@code
   * precision}: their defaults.
   */
  public Hyperparameters(
      Integer epochs,
      Integer batchSize,
      Optimizer optimizer,
      Schedule schedule,
      Augmentation augmentation,
      Double validationSplit,
      Long seed,
      EarlyStopping earlyStopping) {
    this(
        epochs,
        batchSize,
        optimizer,
        schedule,
        augmentation,
        validationSplit,
        seed,
        earlyStopping,
        null,
        null,
        null);
  }

  /**
   * {@code type}: adam | sgd. {@code nesterov}: Nesterov momentum (sgd only). {@code
   * decayNormsAndBiases}: false applies {@code weightDecay} to weight matrices and kernels only,
   * not to biases and normalization scales and shifts (the one-dimensional parameters).
   */
  public record Optimizer(
      String type,
      Double learningRate,
      Double momentum,
      Double weightDecay,
      Boolean nesterov,
      Boolean decayNormsAndBiases) {

    public Optimizer(String type, Double learningRate, Double momentum, Double weightDecay) {
      this(type, learningRate, momentum, weightDecay, null, null);
    }
  }

  /**
   * {@code type}: none | step | cosine | linear | onecycle. step: multiply by {@code gamma} every
   * {@code stepEpochs}; cosine: linear warm-up for {@code warmupEpochs}, then cosine to 0 over the
   * remaining epochs; linear: the same warm-up, then linear decay to 0; onecycle: from a 25th of
   * the rate up to it over {@code warmupEpochs} (0: the first 30 % of the steps), then cosine down
   * to a 10,000th of it.
   */
  public record Schedule(String type, Integer stepEpochs, Double gamma, Integer warmupEpochs) {}

  /** Random horizontal flip; random crop after zero padding of {@code cropPadding} pixels. */
  public record Augmentation(Boolean flip, Boolean crop, Integer cropPadding) {}

  /**
   * Stop when {@code metric} (valAccuracy | valLoss) has not improved for {@code patience} epochs.
   */
  public record EarlyStopping(Integer patience, String metric) {}

  /** Every field unset: all defaults. */
  public static Hyperparameters unset() {
    return new Hyperparameters(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** A copy with every default filled in. */
  public Hyperparameters withDefaults() {
    Optimizer o = optimizer == null ? new Optimizer(null, null, null, null) : optimizer;
    Schedule s = schedule == null ? new Schedule(null, null, null, null) : schedule;
    Augmentation a = augmentation == null ? new Augmentation(null, null, null) : augmentation;
    return new Hyperparameters(
        epochs == null ? 10 : epochs,
        batchSize == null ? 128 : batchSize,
        new Optimizer(
            o.type() == null ? "adam" : o.type(),
            o.learningRate() == null ? 0.001 : o.learningRate(),
            o.momentum() == null ? ("sgd".equals(o.type()) ? 0.9 : 0.0) : o.momentum(),
            o.weightDecay() == null ? 0.0 : o.weightDecay(),
            o.nesterov() != null && o.nesterov(),
            o.decayNormsAndBiases() == null || o.decayNormsAndBiases()),
        new Schedule(
            s.type() == null ? "none" : s.type(),
            s.stepEpochs() == null ? 10 : s.stepEpochs(),
            s.gamma() == null ? 0.1 : s.gamma(),
            s.warmupEpochs() == null ? 0 : s.warmupEpochs()),
        new Augmentation(
            a.flip() != null && a.flip(),
            a.crop() != null && a.crop(),
            a.cropPadding() == null ? 4 : a.cropPadding()),
        validationSplit == null ? 0.1 : validationSplit,
        seed == null ? 42L : seed,
        earlyStopping == null
            ? null
            : new EarlyStopping(
                earlyStopping.patience() == null ? 3 : earlyStopping.patience(),
                earlyStopping.metric() == null ? "valAccuracy" : earlyStopping.metric()),
        labelSmoothing == null ? 0.0 : labelSmoothing,
        testTimeFlip != null && testTimeFlip,
        precision == null ? "fp32" : precision);
  }
}
