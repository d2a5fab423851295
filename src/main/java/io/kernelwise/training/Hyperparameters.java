package io.kernelwise.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kernelwise.system.RequestRecord;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Training settings of a job (SPEC "Hyperparameters"); nulls in the request take the defaults of
 * {@link #withDefaults()}. {@code precision}: fp32 | bf16 | auto (bf16 where this machine computes
 * it natively: a GPU, or a CPU with AVX512_BF16 or AMX; else fp32); bf16 trains fp32 master weights
 * with bf16 arithmetic.
 */
@RequestRecord
@Schema(
    description = "Training settings; whatever a request leaves out (or null) takes its default")
public record Hyperparameters(
    @Schema(description = "default 10", minimum = "1", maximum = "1000", example = "10")
        Integer epochs,
    @Schema(description = "default 128", minimum = "2", maximum = "4096", example = "128")
        Integer batchSize,
    Optimizer optimizer,
    Schedule schedule,
    Augmentation augmentation,
    @Schema(
            description = "held out for validation when the dataset has no test split; default 0.1",
            minimum = "0",
            exclusiveMinimum = true,
            maximum = "0.9",
            example = "0.1")
        Double validationSplit,
    @Schema(description = "random seed; default 42", example = "42") Long seed,
    @Schema(description = "off unless given (then left out of responses)")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        EarlyStopping earlyStopping,
    @Schema(
            description = "label smoothing; default 0",
            minimum = "0",
            maximum = "0.5",
            exclusiveMaximum = true)
        Double labelSmoothing,
    @Schema(description = "average the predictions of the image and its mirror; default false")
        Boolean testTimeFlip,
    @Schema(
            description =
                "also average the predictions of the image moved this many pixels diagonally both"
                    + " ways (border reflected): half the weight on the image, half on the two"
                    + " shifts; default 0",
            minimum = "0",
            maximum = "4")
        Integer testTimeTranslate,
    @Schema(
            description =
                "fp32 (default), bf16, or auto: bf16 where the machine computes it natively",
            allowableValues = {"fp32", "bf16", "auto"})
        String precision) {

  /**
   * Without the recipe options ({@code labelSmoothing}, {@code testTimeFlip}, {@code
   * testTimeTranslate}) and {@code precision}: their defaults.
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
        null,
        null);
  }

  /**
   * {@code type}: adam | sgd. {@code nesterov}: Nesterov momentum (sgd only). {@code
   * decayNormsAndBiases}: false applies {@code weightDecay} to weight matrices and kernels only,
   * not to biases and normalization scales and shifts (the one-dimensional parameters).
   */
  @RequestRecord
  @Schema(name = "Optimizer")
  public record Optimizer(
      @Schema(
              description = "default adam",
              allowableValues = {"adam", "sgd"})
          String type,
      @Schema(
              description = "default 0.001",
              minimum = "0",
              exclusiveMinimum = true,
              maximum = "10",
              example = "0.001")
          Double learningRate,
      @Schema(
              description = "sgd: default 0.9; adam: 0",
              minimum = "0",
              maximum = "1",
              exclusiveMaximum = true)
          Double momentum,
      @Schema(description = "default 0", minimum = "0", maximum = "1") Double weightDecay,
      @Schema(description = "Nesterov momentum, sgd with momentum only; default false")
          Boolean nesterov,
      @Schema(description = "false: no weight decay on biases and norms; default true")
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
  @RequestRecord
  @Schema(name = "Schedule")
  public record Schedule(
      @Schema(
              description = "default none",
              allowableValues = {"none", "step", "cosine", "linear", "onecycle"})
          String type,
      @Schema(description = "step: default 10", minimum = "1", maximum = "1000") Integer stepEpochs,
      @Schema(
              description = "step: default 0.1",
              minimum = "0",
              exclusiveMinimum = true,
              maximum = "1")
          Double gamma,
      @Schema(description = "default 0; less than epochs", minimum = "0") Integer warmupEpochs) {}

  /** Random horizontal flip; random crop after zero padding of {@code cropPadding} pixels. */
  @RequestRecord
  @Schema(name = "Augmentation")
  public record Augmentation(
      @Schema(description = "random horizontal flip; default false") Boolean flip,
      @Schema(description = "random crop after zero padding; default false") Boolean crop,
      @Schema(description = "default 4", minimum = "0", maximum = "64") Integer cropPadding) {}

  /**
   * Stop when {@code metric} (valAccuracy | valLoss) has not improved for {@code patience} epochs.
   */
  @RequestRecord
  @Schema(name = "EarlyStopping")
  public record EarlyStopping(
      @Schema(description = "default 3", minimum = "1", maximum = "1000") Integer patience,
      @Schema(
              description = "default valAccuracy",
              allowableValues = {"valAccuracy", "valLoss"})
          String metric) {}

  /** Every field unset: all defaults. */
  public static Hyperparameters unset() {
    return new Hyperparameters(
        null, null, null, null, null, null, null, null, null, null, null, null);
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
        testTimeTranslate == null ? 0 : testTimeTranslate,
        precision == null ? "fp32" : precision);
  }
}
