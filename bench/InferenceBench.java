/*
 * Kernelwise inference load benchmark (issue 4). A plain JDK 17 program, no dependencies:
 *
 *   java bench/InferenceBench.java --base http://localhost:8080 --model <id> \
 *        [--nobatch-base http://localhost:8081 [--nobatch-model <id>]] \
 *        [--zip ../shared/datasets/cifar10.zip] [--c1-requests 2000] [--seconds 15] \
 *        [--concurrency 32] [--accuracy]
 *
 * Sends 32x32 JPEGs of the CIFAR-10 test split (test/<class>/*.jpg in the zip) to
 * POST /api/v1/models/{id}/predict and reports:
 *  - in-process forward p50 per image: the service's kernelwise_inference_forward_seconds
 *    (quantile 0.5, one forward pass per image at concurrency 1),
 *  - HTTP p50/p99 at concurrency 1,
 *  - throughput at concurrency 32 against --base (batching on) and, if given, against
 *    --nobatch-base (a second instance started with kernelwise.inference.batching=false; the model
 *    is copied there through export/import unless --nobatch-model names it),
 *  - with --accuracy, top-1 accuracy of the HTTP predictions on every test image, next to the
 *    metrics the model was registered with.
 */
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

public class InferenceBench {
  record Image(String label, byte[] jpeg) {}

  record Run(long requests, double seconds, long[] latenciesNanos, long errors, long correct) {
    double throughput() {
      return requests / seconds;
    }

    double percentileMs(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
  }

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  static final Pattern LABEL = Pattern.compile("\"label\"\\s*:\\s*\"([^\"]*)\"");

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    String base = strip(required(a, "base"));
    String model = required(a, "model");
    Path zip = Path.of(a.getOrDefault("zip", "../shared/datasets/cifar10.zip"));
    int c1Requests = Integer.parseInt(a.getOrDefault("c1-requests", "2000"));
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "15"));
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "32"));

    List<Image> images = testImages(zip);
    System.out.printf("loaded %d test JPEGs from %s%n", images.size(), zip);
    String modelJson = get(base + "/api/v1/models/" + model);
    System.out.println("model: " + modelJson);

    // warm-up: loads the model, JIT-compiles both sides. Only single-image requests before the
    // c=1 run: the forward p50 is a time-windowed quantile (2 minutes), and batched passes from a
    // c=32 warm-up in that window would inflate the "one image per pass" figure (1.28 ms vs 0.7).
    closedLoop(base, model, images, 1, 1000, 0);

    Run c1 = closedLoop(base, model, images, 1, c1Requests, 0);
    double forwardP50 = metric(base, "kernelwise_inference_forward_seconds", model, "quantile=\"0.5\"");
    System.out.printf(
        "forward (in-process, one image per pass) p50 = %.3f ms%n", forwardP50 * 1000);
    closedLoop(base, model, images, concurrency, 0, 3);
    System.out.printf(
        "HTTP c=1: %d requests, p50 = %.2f ms, p99 = %.2f ms, %.0f img/s, errors %d%n",
        c1.requests(), c1.percentileMs(50), c1.percentileMs(99), c1.throughput(), c1.errors());

    double[] before = batchStats(base, model);
    Run on = closedLoop(base, model, images, concurrency, 0, seconds);
    double[] after = batchStats(base, model);
    double meanBatch = (after[1] - before[1]) / Math.max(1, after[0] - before[0]);
    System.out.printf(
        "HTTP c=%d batching ON (%s): %.0f img/s, p50 = %.2f ms, p99 = %.2f ms, mean batch %.1f,"
            + " errors %d%n",
        concurrency, base, on.throughput(), on.percentileMs(50), on.percentileMs(99), meanBatch,
        on.errors());
    System.out.printf(
        "forward p50 over the last 2 minutes, batched passes included = %.3f ms%n",
        metric(base, "kernelwise_inference_forward_seconds", model, "quantile=\"0.5\"") * 1000);

    if (a.containsKey("nobatch-base")) {
      String off = strip(a.get("nobatch-base"));
      String offModel = a.containsKey("nobatch-model") ? a.get("nobatch-model") : copy(base, model, off);
      closedLoop(off, offModel, images, concurrency, 0, 3);
      Run noBatch = closedLoop(off, offModel, images, concurrency, 0, seconds);
      System.out.printf(
          "HTTP c=%d batching OFF (%s): %.0f img/s, p50 = %.2f ms, p99 = %.2f ms, errors %d%n",
          concurrency, off, noBatch.throughput(), noBatch.percentileMs(50),
          noBatch.percentileMs(99), noBatch.errors());
      System.out.printf(
          "batching speed-up at c=%d: %.2fx%n", concurrency, on.throughput() / noBatch.throughput());
    }

    if (a.containsKey("accuracy")) {
      Run all = closedLoop(base, model, images, concurrency, images.size(), 0);
      System.out.printf(
          "top-1 accuracy over HTTP on %d test images: %.2f %% (%d errors); the model's"
              + " registered metrics: %s%n",
          all.requests(), 100.0 * all.correct() / all.requests(), all.errors(),
          extract(modelJson, "metrics"));
    }
  }

  /**
   * {@code workers} threads send images back to back, either {@code total} requests in all
   * (images taken in order, so total = images.size() covers each once) or for {@code seconds}.
   */
  static Run closedLoop(
      String base, String model, List<Image> images, int workers, int total, int seconds)
      throws InterruptedException {
    String url = base + "/api/v1/models/" + model + "/predict?topK=1";
    AtomicInteger next = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    AtomicLong correct = new AtomicLong();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<long[]> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < workers; w++) {
      long[] latencies = new long[total > 0 ? total : 2_000_000];
      perThread.add(latencies);
      int slot = w;
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                while (true) {
                  int i = next.getAndIncrement();
                  if (total > 0 ? i >= total : System.nanoTime() >= deadline) {
                    break;
                  }
                  Image image = images.get(i % images.size());
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<String> r =
                        HTTP.send(
                            request(url)
                                .header("Content-Type", "image/jpeg")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(image.jpeg()))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    latencies[n++] = System.nanoTime() - t0;
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                      if (errors.get() <= 3) {
                        System.err.println(r.statusCode() + " " + r.body());
                      }
                      continue;
                    }
                    Matcher m = LABEL.matcher(r.body());
                    if (m.find() && m.group(1).equals(image.label())) {
                      correct.incrementAndGet();
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                perThread.set(slot, Arrays.copyOf(latencies, n));
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all = perThread.stream().flatMapToLong(Arrays::stream).toArray();
    return new Run(all.length, elapsed, all, errors.get(), correct.get());
  }

  /** CIFAR-10 test split JPEGs, in a fixed shuffled order. */
  static List<Image> testImages(Path zip) throws IOException {
    List<Image> images = new ArrayList<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : z.stream().toList()) {
        String[] parts = e.getName().split("/");
        if (!e.isDirectory() && parts.length == 3 && parts[0].equals("test")) {
          try (InputStream in = z.getInputStream(e)) {
            images.add(new Image(parts[1], in.readAllBytes()));
          }
        }
      }
    }
    if (images.isEmpty()) {
      throw new IllegalArgumentException(zip + " has no test/<class>/<image> entries");
    }
    java.util.Collections.shuffle(images, new java.util.Random(7));
    return images;
  }

  /** Exports the model from one instance and imports it into another; returns the new id. */
  static String copy(String from, String model, String to) throws Exception {
    byte[] zip =
        HTTP.send(
                request(from + "/api/v1/models/" + model + "/artifact")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body();
    String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"model.zip\"\r\nContent-Type: application/zip\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(zip);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        HTTP.send(
            request(to + "/api/v1/models/import")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("import into " + to + " failed: " + r.body());
    }
    String id = extract(r.body(), "id").replace("\"", "");
    System.out.println("copied model " + model + " to " + to + " as " + id);
    return id;
  }

  /** [count, sum] of kernelwise_inference_batch_size for the model. */
  static double[] batchStats(String base, String model) throws Exception {
    return new double[] {
      metric(base, "kernelwise_inference_batch_size_count", model, ""),
      metric(base, "kernelwise_inference_batch_size_sum", model, "")
    };
  }

  static double metric(String base, String name, String model, String labelPart)
      throws Exception {
    String text = get(base + "/actuator/prometheus");
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} ([0-9.eE+-]+|NaN)$").matcher(text);
    while (m.find()) {
      if (m.group(1).contains("model=\"" + model + "\"") && m.group(1).contains(labelPart)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return Double.NaN;
  }

  /** A request carrying the API key from KERNELWISE_KEY, when set (security is on by default). */
  static HttpRequest.Builder request(String url) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    String key = System.getenv("KERNELWISE_KEY");
    return key == null || key.isBlank() ? b : b.header("Authorization", "Bearer " + key);
  }

  static String get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(request(url).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** The raw JSON value of a top-level field (good enough for ids and small objects). */
  static String extract(String json, String field) {
    int i = json.indexOf("\"" + field + "\":");
    if (i < 0) {
      return "?";
    }
    int start = i + field.length() + 3;
    int depth = 0;
    for (int j = start; j < json.length(); j++) {
      char c = json.charAt(j);
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return json.substring(start, j);
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        return json.substring(start, j);
      }
    }
    return json.substring(start);
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String key = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        a.put(key, args[++i]);
      } else {
        a.put(key, "true");
      }
    }
    return a;
  }

  static String required(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
