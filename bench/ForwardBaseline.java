/*
 * Bare DJL forward pass of a spec (no HTTP, no Spring), the reference the service's in-process
 * forward is compared with: p50 per image and images/s at batch 1..32.
 * Run with the application's classpath (see bench/README.md):
 *
 *   java -cp target/classes:$(cat /tmp/kwcp.txt) bench/ForwardBaseline.java \
 *        ../shared/bench/specs/seed-3x3.json [intraOpThreads, default 1]
 */
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.translate.NoopTranslator;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.SpecParser;
import io.kernelwise.network.DjlNetworkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import tools.jackson.databind.json.JsonMapper;

public class ForwardBaseline {
  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    ArchitectureSpec spec =
        new SpecParser(8).parse(JsonMapper.shared().readTree(Files.readString(Path.of(args[0]))), "");
    var in = spec.input();
    Block block = new DjlNetworkFactory(null).build(spec);
    try (Model model = Model.newInstance("baseline", "PyTorch")) {
      block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
      block.initialize(
          model.getNDManager(),
          DataType.FLOAT32,
          new Shape(1, in.channels(), in.height(), in.width()));
      model.setBlock(block);
      JniUtils.setNumThreads(args.length > 1 ? Integer.parseInt(args[1]) : 1);
      JniUtils.setGradMode(false);
      try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator(null))) {
        for (int batch : new int[] {1, 4, 8, 16, 32}) {
          int runs = Math.max(200, 3000 / batch);
          long[] t = new long[runs];
          for (int i = -200; i < runs; i++) {
            try (var m = model.getNDManager().newSubManager()) {
              NDList x =
                  new NDList(
                      m.randomUniform(0, 1, new Shape(batch, in.channels(), in.height(), in.width())));
              long t0 = System.nanoTime();
              predictor.predict(x).close();
              if (i >= 0) {
                t[i] = System.nanoTime() - t0;
              }
            }
          }
          Arrays.sort(t);
          double p50 = t[runs / 2] / 1e6;
          System.out.printf(
              "batch %d: forward p50 %.3f ms, %.3f ms/image, %.0f images/s%n",
              batch, p50, p50 / batch, batch / (p50 / 1000));
        }
      }
    }
  }
}
