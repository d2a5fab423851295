/*
 * Bare DJL forward pass of a spec (no HTTP, no Spring), the reference the service's in-process
 * forward is compared with: p50 per image and images/s at batch 1..32.
 * Run with the application's classpath (see bench/README.md):
 *
 *   java -cp target/classes:$(cat /tmp/kwcp.txt) bench/ForwardBaseline.java \
 *        ../shared/bench/specs/seed-3x3.json [intraOpThreads, default 1] [workers, default 0]
 *
 * With workers > 0 it then runs that many predictors at once (each its own thread with
 * intraOpThreads PyTorch threads, as the service's workers run) on batches of 32 for 5 s and prints
 * their combined images/s: the ceiling the service's c=32 throughput is compared with.
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
      int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
      int workers = args.length > 2 ? Integer.parseInt(args[2]) : 0;
      JniUtils.setNumThreads(threads);
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
      if (workers > 0) {
        concurrent(model, in, threads, workers);
      }
    }
  }

  /** {@code workers} predictors forwarding batches of 32 back to back for 5 s: images/s in all. */
  static void concurrent(Model model, io.kernelwise.architecture.InputShape in, int threads, int workers)
      throws Exception {
    java.util.concurrent.atomic.AtomicLong images = new java.util.concurrent.atomic.AtomicLong();
    java.util.List<Thread> all = new java.util.ArrayList<>();
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    long end = warmEnd + 5_000_000_000L;
    for (int w = 0; w < workers; w++) {
      Thread t =
          new Thread(
              () -> {
                JniUtils.setNumThreads(threads);
                JniUtils.setGradMode(false);
                try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator(null));
                    var m = model.getNDManager().newSubManager()) {
                  NDList x =
                      new NDList(
                          m.randomUniform(
                              0, 1, new Shape(32, in.channels(), in.height(), in.width())));
                  while (System.nanoTime() < end) {
                    boolean counted = System.nanoTime() >= warmEnd;
                    p.predict(x).close();
                    if (counted && System.nanoTime() <= end) {
                      images.addAndGet(32);
                    }
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      all.add(t);
      t.start();
    }
    for (Thread t : all) {
      t.join();
    }
    System.out.printf(
        "bare batch-32 throughput, %d predictors x %d intra-op threads at once: %.0f images/s%n",
        workers, threads, images.get() / 5.0);
  }
}
