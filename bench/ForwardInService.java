/*
 * Where does the served model's forward time go (issue 4)? Times one-image forward passes the way
 * ServedModel runs them — parameters loaded like ModelLoader (Block#loadParameters), a float[] CHW
 * input wrapped into the predictor's per-call manager, logits copied out and soft-maxed, in a
 * dedicated worker thread with JniUtils.setNumThreads + setGradMode(false) — and compares with the
 * bare ForwardBaseline loop and with variants of the thread set-up and of the CPU caches:
 *
 *   java -cp target/classes:$(cat /tmp/kwcp.txt) bench/ForwardInService.java \
 *        ../shared/bench/specs/seed-3x3.json [intraOpThreads, default 1] [model/parameters]
 *
 * Without a parameters file, Xavier-initialised weights are saved and loaded back.
 */
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.SpecParser;
import io.kernelwise.network.DjlNetworkFactory;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

public class ForwardInService {
  record Batch(float[] data, int size) {}

  /** Same work as io.kernelwise.inference.BatchTranslator (package-private there). */
  static final class ServedTranslator implements Translator<Batch, float[][]> {
    final Shape image;

    ServedTranslator(Shape image) {
      this.image = image;
    }

    public NDList processInput(TranslatorContext ctx, Batch b) {
      return new NDList(
          ctx.getNDManager().create(FloatBuffer.wrap(b.data()), new Shape(b.size()).addAll(image)));
    }

    public float[][] processOutput(TranslatorContext ctx, NDList list) {
      float[] logits = list.singletonOrThrow().toFloatArray();
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits) {
        max = Math.max(max, v);
      }
      float[] p = new float[logits.length];
      double sum = 0;
      for (int i = 0; i < p.length; i++) {
        sum += Math.exp(logits[i] - max);
      }
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) (Math.exp(logits[i] - max) / sum);
      }
      return new float[][] {p};
    }

    public Batchifier getBatchifier() {
      return null;
    }
  }

  static final int RUNS = 2000;
  static final int WARM = 300;
  static int threads;
  static Shape image;
  static float[] input;
  static final byte[] EVICT = new byte[64 << 20];
  static long sink;

  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    ArchitectureSpec spec =
        new SpecParser(8)
            .parse(JsonMapper.shared().readTree(Files.readString(Path.of(args[0]))), "");
    threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    var in = spec.input();
    image = new Shape(in.channels(), in.height(), in.width());
    input = new float[(int) image.size()];
    Random random = new Random(7);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    var networks = new DjlNetworkFactory(null);
    Path parameters;
    if (args.length > 2) {
      parameters = Path.of(args[2]);
    } else {
      parameters = Files.createTempFile("kw-forward", ".params");
      parameters.toFile().deleteOnExit();
      try (Model init = Model.newInstance("init", "PyTorch")) {
        Block b = networks.build(spec);
        b.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        b.initialize(init.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(image));
        try (var out = new DataOutputStream(Files.newOutputStream(parameters))) {
          b.saveParameters(out);
        }
      }
    }
    try (Model model = Model.newInstance("served", "PyTorch")) {
      Block block = networks.build(spec);
      model.setBlock(block);
      try (var stream =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(parameters)))) {
        block.loadParameters(model.getNDManager(), stream);
      }
      try (NDManager m = model.getNDManager().newSubManager()) { // ModelLoader's check, grad on
        block.forward(
            new ParameterStore(m, false), new NDList(m.zeros(new Shape(2).addAll(image))), false);
      }
      List<String> lines = new ArrayList<>();
      for (int round = 1; round <= 2; round++) {
        lines.add("round " + round);
        JniUtils.setNumThreads(threads);
        JniUtils.setGradMode(false);
        lines.add(report("bare: main thread, NoopTranslator", bare(model)));
        lines.add(report("main thread, served translator", served(model, false)));
        lines.add(
            report("worker thread configured like ServedModel", worker(true, served(model))));
        var elsewhere = worker(false, () -> warmedPredictor(model)); // like ServedModel's warm-up
        lines.add(report("worker, predictor warmed in another thread", worker(true, () -> {
          try (elsewhere) {
            return loop(elsewhere, false);
          }
        })));
        lines.add(report("worker thread not configured", worker(false, served(model))));
        lines.add(report("2 workers, hand-off through a queue", handOff(model, 2)));
        lines.add(report("worker, 64 MB touched between calls (cold)", worker(true, () -> {
          try (var p = model.newPredictor(new ServedTranslator(image))) {
            return loop(p, true);
          }
        })));
      }
      lines.forEach(System.out::println);
    }
  }

  static Predictor<Batch, float[][]> warmedPredictor(Model model) throws Exception {
    var p = model.newPredictor(new ServedTranslator(image));
    p.predict(new Batch(new float[input.length], 1));
    return p;
  }

  static Callable<long[]> served(Model model) {
    return () -> served(model, false);
  }

  static long[] served(Model model, boolean evict) throws Exception {
    try (var p = model.newPredictor(new ServedTranslator(image))) {
      return loop(p, evict);
    }
  }

  static long[] loop(Predictor<Batch, float[][]> p, boolean evict) throws Exception {
    long[] t = new long[RUNS];
    for (int i = -WARM; i < RUNS; i++) {
      if (evict) {
        for (int k = 0; k < EVICT.length; k += 64) {
          EVICT[k]++;
        }
      }
      long t0 = System.nanoTime();
      sink += p.predict(new Batch(input, 1))[0].length;
      if (i >= 0) {
        t[i] = System.nanoTime() - t0;
      }
    }
    return t;
  }

  static long[] bare(Model model) throws Exception {
    long[] t = new long[RUNS];
    try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator(null))) {
      for (int i = -WARM; i < RUNS; i++) {
        try (var m = model.getNDManager().newSubManager()) {
          NDList x = new NDList(m.create(input, new Shape(1).addAll(image)));
          long t0 = System.nanoTime();
          p.predict(x).close();
          if (i >= 0) {
            t[i] = System.nanoTime() - t0;
          }
        }
      }
    }
    return t;
  }

  /** Runs c in a fresh thread, set up (or not) like ServedModel.work. */
  static <T> T worker(boolean configure, Callable<T> c) throws Exception {
    var f = new CompletableFuture<T>();
    Thread t =
        new Thread(
            () -> {
              try {
                if (configure) {
                  JniUtils.setNumThreads(threads);
                  JniUtils.setGradMode(false);
                }
                f.complete(c.call());
              } catch (Throwable e) {
                f.completeExceptionally(e);
              }
            });
    t.start();
    return f.get();
  }

  /** The caller queues one image at a time and waits, as a request thread does at c=1. */
  static long[] handOff(Model model, int workers) throws Exception {
    var queue = new ArrayBlockingQueue<CompletableFuture<Long>>(16);
    for (int w = 0; w < workers; w++) {
      Thread t =
          new Thread(
              () -> {
                JniUtils.setNumThreads(threads);
                JniUtils.setGradMode(false);
                try (var p = model.newPredictor(new ServedTranslator(image))) {
                  while (true) {
                    var f = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (f == null) {
                      continue;
                    }
                    if (f.isDone()) {
                      return;
                    }
                    long t0 = System.nanoTime();
                    p.predict(new Batch(input, 1));
                    f.complete(System.nanoTime() - t0);
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                }
              });
      t.setDaemon(true);
      t.start();
    }
    long[] t = new long[RUNS];
    for (int i = -WARM; i < RUNS; i++) {
      var f = new CompletableFuture<Long>();
      queue.put(f);
      long v = f.get(30, TimeUnit.SECONDS);
      if (i >= 0) {
        t[i] = v;
      }
    }
    for (int w = 0; w < workers; w++) {
      queue.put(CompletableFuture.completedFuture(0L));
    }
    return t;
  }

  static String report(String name, long[] t) {
    Arrays.sort(t);
    return String.format(
        "  %-46s p50 %.3f ms  p10 %.3f  p90 %.3f",
        name, t[t.length / 2] / 1e6, t[t.length / 10] / 1e6, t[t.length * 9 / 10] / 1e6);
  }
}
