package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import io.kernelwise.network.Engines;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.KernelwiseProperties;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The time-to-accuracy recipe's options, each against its definition: the schedules' rates, label
 * smoothing's loss, Nesterov's update and weight decay that skips norms and biases.
 */
class RecipeOptionsTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static NDManager manager;

  @BeforeAll
  static void engine() {
    manager =
        new Engines(
                new KernelwiseProperties(
                    null, null, null, null, null, null, new KernelwiseProperties.Djl(true, true)))
            .engine()
            .newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static LearningRates rates(String type, int warmupEpochs) {
    return new LearningRates(0.1, new Hyperparameters.Schedule(type, 1, 0.1, warmupEpochs), 10, 10);
  }

  @Test
  void linearWarmsUpThenFallsToTheLastStepsShare() {
    LearningRates r = rates("linear", 2);
    assertThat(r.at(1, 0)).isCloseTo(0.1 / 20, within(1e-12));
    assertThat(r.at(2, 19)).isCloseTo(0.1, within(1e-12));
    assertThat(r.at(2, 20)).isCloseTo(0.1, within(1e-12));
    assertThat(r.at(6, 60)).isCloseTo(0.1 * 40 / 80, within(1e-12));
    assertThat(r.at(10, 99)).isCloseTo(0.1 / 80, within(1e-12));
  }

  @Test
  void oneCycleRisesFromA25thOverThirtyPercentThenAnnealsToA10000th() {
    LearningRates r = rates("onecycle", 0);
    assertThat(r.at(1, 0)).isCloseTo(0.1 / 25, within(1e-12));
    assertThat(r.at(4, 30)).isCloseTo(0.1, within(1e-12));
    assertThat(r.at(10, 99)).isCloseTo(0.1 * 1e-4, within(1e-12));
    double previous = Double.MAX_VALUE;
    for (long s = 30; s < 100; s++) {
      double now = r.at((int) (s / 10) + 1, s);
      assertThat(now).isLessThanOrEqualTo(previous);
      previous = now;
    }
    // an explicit warm-up sets where the peak is
    assertThat(rates("onecycle", 5).at(6, 50)).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void labelSmoothingIsPyTorchsDefinition() {
    NDArray logits = manager.create(new float[] {2f, 0.5f, -1f, 0f, 1f, 3f}, new Shape(2, 3));
    NDArray labels = manager.create(new long[] {0, 2});
    double[][] l = {{2, 0.5, -1}, {0, 1, 3}};
    int[] y = {0, 2};
    double eps = 0.2;
    double expected = 0;
    for (int i = 0; i < 2; i++) {
      double lse = Math.log(Math.exp(l[i][0]) + Math.exp(l[i][1]) + Math.exp(l[i][2]));
      for (int k = 0; k < 3; k++) {
        double target = (k == y[i] ? 1 - eps : 0) + eps / 3;
        expected -= target * (l[i][k] - lse);
      }
    }
    expected /= 2;
    float smoothed = Evaluation.crossEntropy(logits, labels, (float) eps).getFloat();
    assertThat((double) smoothed).isCloseTo(expected, within(1e-5));
    float plain = Evaluation.crossEntropy(logits, labels, 0f).getFloat();
    assertThat(plain).isLessThan(smoothed);
  }

  @ParameterizedTest(name = "fused kernels {0}")
  @ValueSource(booleans = {true, false})
  void nesterovAndUndecayedNormsFollowTheirFormulas(boolean fusedKernels) {
    Parameter kernel = parameter("kernel", new float[] {1f, -2f, 3f, 4f}, new Shape(2, 2));
    Parameter bias = parameter("bias", new float[] {0.5f, -0.5f}, new Shape(2));
    float[] kGrad = {0.1f, 0.2f, -0.3f, 0.4f};
    float[] bGrad = {1f, -1f};
    try (ParameterUpdater updater =
        new ParameterUpdater(
            new Hyperparameters.Optimizer("sgd", 0.1, 0.9, 0.01, true, false),
            List.of(kernel, bias),
            fusedKernels)) {
      assertThat(updater.fused()).isEqualTo(fusedKernels);
      float[] w = {1f, -2f, 3f, 4f};
      float[] b = {0.5f, -0.5f};
      float[] vw = new float[4];
      float[] vb = new float[2];
      for (int step = 0; step < 3; step++) {
        setGradient(kernel, kGrad);
        setGradient(bias, bGrad);
        updater.step(0.1f);
        for (int i = 0; i < 4; i++) {
          float d = kGrad[i] + 0.01f * w[i];
          vw[i] = 0.9f * vw[i] + d;
          w[i] -= 0.1f * (d + 0.9f * vw[i]);
        }
        for (int i = 0; i < 2; i++) {
          float d = bGrad[i]; // no decay on the one-dimensional bias
          vb[i] = 0.9f * vb[i] + d;
          b[i] -= 0.1f * (d + 0.9f * vb[i]);
        }
      }
      assertThat(kernel.getArray().toFloatArray()).containsExactly(w, within(1e-5f));
      assertThat(bias.getArray().toFloatArray()).containsExactly(b, within(1e-5f));
    }
  }

  /**
   * Adam as PyTorch defines it (L2 decay into the gradient, bias-corrected moments), over steps
   * with changing gradients and rates; the per-parameter route puts epsilon inside the bias
   * correction, a difference far below the tolerance for these values.
   */
  @ParameterizedTest(name = "fused kernels {0}")
  @ValueSource(booleans = {true, false})
  void adamFollowsItsFormulaAndZeroesTheGradient(boolean fusedKernels) {
    Parameter kernel = parameter("kernel", new float[] {1f, -2f, 3f, 4f}, new Shape(2, 2));
    Parameter bias = parameter("bias", new float[] {0.5f, -0.5f}, new Shape(2));
    try (ParameterUpdater updater =
        new ParameterUpdater(
            new Hyperparameters.Optimizer("adam", 0.01, 0.0, 0.1, null, false),
            List.of(kernel, bias),
            fusedKernels)) {
      assertThat(updater.fused()).isEqualTo(fusedKernels);
      float[][] values = {{1f, -2f, 3f, 4f}, {0.5f, -0.5f}};
      float[][] m = {new float[4], new float[2]};
      float[][] v = {new float[4], new float[2]};
      float[] decay = {0.1f, 0f};
      Parameter[] params = {kernel, bias};
      for (int t = 1; t <= 4; t++) {
        float lr = 0.01f / t;
        float[][] grads = {{0.1f * t, -0.2f, 0.3f, -0.4f * t}, {1f / t, -1f}};
        setGradient(kernel, grads[0]);
        setGradient(bias, grads[1]);
        updater.step(lr);
        for (int p = 0; p < 2; p++) {
          for (int i = 0; i < values[p].length; i++) {
            double g = grads[p][i] + decay[p] * values[p][i];
            m[p][i] = (float) (0.9 * m[p][i] + 0.1 * g);
            v[p][i] = (float) (0.999 * v[p][i] + 0.001 * g * g);
            double mHat = m[p][i] / (1 - Math.pow(0.9, t));
            double vHat = v[p][i] / (1 - Math.pow(0.999, t));
            values[p][i] -= (float) (lr * mHat / (Math.sqrt(vHat) + 1e-8));
          }
        }
        for (Parameter p : params) {
          assertThat(p.getArray().getGradient().toFloatArray()).containsOnly(0f);
        }
      }
      assertThat(updater.steps()).isEqualTo(4);
      assertThat(kernel.getArray().toFloatArray()).containsExactly(values[0], within(1e-5f));
      assertThat(bias.getArray().toFloatArray()).containsExactly(values[1], within(1e-5f));
    }
  }

  @Test
  void theRulesKnowTheNewOptions() throws Exception {
    JobSubmission submission =
        new JobSubmission(new FakeCatalog(), new FakeDatasets(), (d, f) -> "cpu", JSON, "cpu");
    for (String[] c :
        new String[][] {
          {"{\"labelSmoothing\":0.5}", "hyperparameters.labelSmoothing"},
          {"{\"labelSmoothing\":-0.1}", "hyperparameters.labelSmoothing"},
          {
            "{\"optimizer\":{\"type\":\"adam\",\"nesterov\":true}}",
            "hyperparameters.optimizer.nesterov"
          },
          {
            "{\"optimizer\":{\"type\":\"sgd\",\"momentum\":0,\"nesterov\":true}}",
            "hyperparameters.optimizer.nesterov"
          },
          {"{\"schedule\":{\"type\":\"twocycle\"}}", "hyperparameters.schedule.type"},
          {"{\"testTimeTranslate\":5}", "hyperparameters.testTimeTranslate"},
          {"{\"testTimeTranslate\":-1}", "hyperparameters.testTimeTranslate"}
        }) {
      String body =
          "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"hyperparameters\":" + c[0] + "}";
      try {
        submission.validate(JSON.readTree(body));
        throw new AssertionError("accepted " + c[0]);
      } catch (ApiException e) {
        assertThat(e.errors()).extracting(FieldProblem::field).as(c[0]).containsExactly(c[1]);
      }
    }
    // a 3x3 input cannot reflect a 3-pixel shift: refused before the dataset is even looked at
    ApiException small =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ApiException.class,
            () ->
                submission.validate(
                    JSON.readTree(
                        "{\"architecture\":{\"name\":\"small\",\"side\":3},\"datasetId\":\"mini\","
                            + "\"hyperparameters\":{\"testTimeTranslate\":3}}")));
    assertThat(small.status().value()).isEqualTo(400);
    assertThat(small.errors())
        .extracting(FieldProblem::field)
        .containsExactly("hyperparameters.testTimeTranslate");
    submission.validate(
        JSON.readTree(
            "{\"architectureId\":\"a-tiny\",\"datasetId\":\"mini\",\"hyperparameters\":"
                + new String(
                    RecipeOptionsTest.class
                        .getResourceAsStream("/architecture/presets/fast-cifar.recipe.json")
                        .readAllBytes())
                + "}"));
  }

  /** Reflect padding by p, as PyTorch's F.pad(mode='reflect'), then the crop that starts at c. */
  static float reflectCrop(float[] img, int h, int w, int p, int ci, int cj, int i, int j) {
    int y = reflect(i + ci - p, h);
    int x = reflect(j + cj - p, w);
    return img[y * w + x];
  }

  static int reflect(int k, int n) {
    return k < 0 ? -k : k >= n ? 2 * (n - 1) - k : k;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void testTimeShiftsAreAirbenchsReflectPaddedCrops(int d) {
    int h = 5;
    int w = 6;
    float[] img = new float[h * w];
    for (int k = 0; k < img.length; k++) {
      img[k] = k;
    }
    NDArray x = manager.create(img, new Shape(1, 1, h, w));
    // airbench's views: F.pad(x, (d,)*4, 'reflect'), cropped at (0, 0) and at (2d, 2d)
    float[] down = Evaluation.shift(x, d).toFloatArray();
    float[] up = Evaluation.shift(x, -d).toFloatArray();
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        assertThat(down[i * w + j]).isEqualTo(reflectCrop(img, h, w, d, 2 * d, 2 * d, i, j));
        assertThat(up[i * w + j]).isEqualTo(reflectCrop(img, h, w, d, 0, 0, i, j));
      }
    }
  }

  @Test
  void testTimeLogitsWeighTheImageHalfAndEachShiftAQuarter() {
    int h = 4;
    int w = 4;
    float[] img = new float[2 * h * w];
    for (int k = 0; k < img.length; k++) {
      img[k] = (float) Math.sin(k * 0.7) + k * 0.01f;
    }
    NDArray x = manager.create(img, new Shape(2, 1, h, w));
    // a "net" whose logits are its input's pixels, so every view's weight shows in the result
    UnaryOperator<NDArray> net = t -> t.reshape(2, h * w);
    NDArray mirror = x.add(x.flip(3)).div(2);
    NDArray expected =
        mirror
            .mul(0.5)
            .add(Evaluation.shift(x, 1).add(Evaluation.shift(x, 1).flip(3)).div(2).mul(0.25))
            .add(Evaluation.shift(x, -1).add(Evaluation.shift(x, -1).flip(3)).div(2).mul(0.25))
            .reshape(2, h * w);
    NDArray got = Evaluation.testTimeLogits(net, x, true, 1);
    assertThat(got.toFloatArray()).containsExactly(expected.toFloatArray(), within(1e-6f));
    assertThat(Evaluation.testTimeLogits(net, x, true, 0).toFloatArray())
        .containsExactly(mirror.reshape(2, h * w).toFloatArray(), within(1e-6f));
    assertThat(Evaluation.testTimeLogits(net, x, false, 0).toFloatArray())
        .containsExactly(img, within(0f));
  }

  static Parameter parameter(String name, float[] values, Shape shape) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    p.setArray(manager.create(values, shape));
    p.getArray().setRequiresGradient(true);
    return p;
  }

  static void setGradient(Parameter p, float[] gradient) {
    // d(sum(w * g))/dw = g: a real backward pass leaves exactly the gradient asked for, as long
    // as the updater zeroed the last one (backward accumulates into .grad)
    try (NDManager step = manager.newSubManager();
        var collector = manager.getEngine().newGradientCollector()) {
      boolean mode = JniUtils.isGradMode();
      NDArray g = step.create(gradient, p.getArray().getShape());
      collector.backward(p.getArray().mul(g).sum());
      JniUtils.setGradMode(mode);
    }
  }
}
