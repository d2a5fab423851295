/*
 * Kernelwise inference load benchmark (issue 4). A plain JDK 17 program, no dependencies:
 *
 *   java bench/InferenceBench.java --base http://localhost:8080 --model <id> \
 *        [--nobatch-base http://localhost:8081 [--nobatch-model <id>]] \
 *        [--zip ../shared/datasets/cifar10.zip] [--c1-requests 2000] [--seconds 15] \
 *        [--concurrency 32] [--accuracy] [--key <API key>] [--no-v2]
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
 *    metrics the model was registered with,
 *  - the same figures through the Open Inference Protocol, POST /v2/models/{id}/infer with each
 *    JPEG as a BYTES input (base64) and classification 1, and at c=1 also as an FP32 tensor (the
 *    image decoded and normalized by the client, 3x32x32 numbers of JSON),
 *  - c=1 latencies also from a minimal keep-alive HTTP/1.1 socket client ("raw"), which adds
 *    almost nothing of its own; java.net.http's client adds its own thread hand-offs to each call.
 * The API key (--key, or KERNELWISE_API_KEY) is sent as "Authorization: Bearer <key>".
 */
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
import javax.imageio.ImageIO;

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
  /** The top class of a /v2 classification answer, "probability:index:label". */
  static final Pattern V2_LABEL = Pattern.compile("\"data\"\\s*:\\s*\\[\\s*\"[^:\"]*:[0-9]+:([^\"]*)\"");
  static String key = System.getenv("KERNELWISE_API_KEY");

  /** One request of a load loop: status and body; {@code close}: the server ends the connection. */
  record Answer(int status, String body, boolean close) {
    Answer(int status, String body) {
      this(status, body, false);
    }
  }

  /** How a load thread sends one image; one instance per thread (the raw client is a socket). */
  interface Sender {
    Answer send(Image image) throws IOException, InterruptedException;
  }

  interface SenderFactory {
    Sender newSender();
  }

  /** A protocol: how to build a request for an image, and how to read the label of its answer. */
  record Protocol(String name, String path, String contentType, Map<Image, byte[]> bodies,
      Pattern label) {}

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

    key = a.getOrDefault("key", key);
    Protocol predict = predict(model, images);
    Protocol v2 = a.containsKey("no-v2") ? null : v2Bytes(model, images);
    System.out.printf("load average at start: %s", Files.readString(Path.of("/proc/loadavg")));

    // warm-up: loads the model, JIT-compiles both sides. Only single-image requests before the
    // c=1 run: the forward p50 is a time-windowed quantile (2 minutes), and batched passes from a
    // c=32 warm-up in that window would inflate the "one image per pass" figure (1.28 ms vs 0.7).
    closedLoop(javaClient(base, predict), images, 1, 1000, 0);
    if (v2 != null) {
      closedLoop(javaClient(base, v2), images, 1, 1000, 0);
    }
    closedLoop(rawClient(base, predict), images, 1, 500, 0);

    Run c1 = closedLoop(javaClient(base, predict), images, 1, c1Requests, 0);
    Run c1raw = closedLoop(rawClient(base, predict), images, 1, c1Requests, 0);
    Run v2c1 = null;
    Run v2c1raw = null;
    Run v2fp32 = null;
    if (v2 != null) {
      v2c1 = closedLoop(javaClient(base, v2), images, 1, c1Requests, 0);
      v2c1raw = closedLoop(rawClient(base, v2), images, 1, c1Requests, 0);
      Protocol fp32 = v2Fp32(base, model, images, c1Requests);
      closedLoop(rawClient(base, fp32), images, 1, 300, 0);
      v2fp32 = closedLoop(rawClient(base, fp32), images, 1, c1Requests, 0);
    }
    double forwardP50 = metric(base, "kernelwise_inference_forward_seconds", model, "quantile=\"0.5\"");
    System.out.printf(
        "forward (in-process, one image per pass) p50 = %.3f ms%n", forwardP50 * 1000);
    report("HTTP c=1 /predict (java.net.http)", c1);
    report("HTTP c=1 /predict (raw socket)", c1raw);
    if (v2 != null) {
      report("HTTP c=1 /v2 infer BYTES (java.net.http)", v2c1);
      report("HTTP c=1 /v2 infer BYTES (raw socket)", v2c1raw);
      report("HTTP c=1 /v2 infer FP32 [1,3,32,32] JSON (raw socket)", v2fp32);
    }

    closedLoop(javaClient(base, predict), images, concurrency, 0, 3);
    double[] before = batchStats(base, model);
    Run on = closedLoop(javaClient(base, predict), images, concurrency, 0, seconds);
    double[] after = batchStats(base, model);
    double meanBatch = (after[1] - before[1]) / Math.max(1, after[0] - before[0]);
    System.out.printf(
        "HTTP c=%d /predict batching ON (%s): %.0f img/s, p50 = %.2f ms, p99 = %.2f ms, mean batch %.1f,"
            + " errors %d%n",
        concurrency, base, on.throughput(), on.percentileMs(50), on.percentileMs(99), meanBatch,
        on.errors());
    if (v2 != null) {
      closedLoop(javaClient(base, v2), images, concurrency, 0, 3);
      before = batchStats(base, model);
      Run v2on = closedLoop(javaClient(base, v2), images, concurrency, 0, seconds);
      after = batchStats(base, model);
      System.out.printf(
          "HTTP c=%d /v2 infer BYTES batching ON: %.0f img/s, p50 = %.2f ms, p99 = %.2f ms, mean batch"
              + " %.1f, errors %d%n",
          concurrency, v2on.throughput(), v2on.percentileMs(50), v2on.percentileMs(99),
          (after[1] - before[1]) / Math.max(1, after[0] - before[0]), v2on.errors());
    }
    System.out.printf(
        "forward p50 over the last 2 minutes, batched passes included = %.3f ms%n",
        metric(base, "kernelwise_inference_forward_seconds", model, "quantile=\"0.5\"") * 1000);

    if (a.containsKey("nobatch-base")) {
      String off = strip(a.get("nobatch-base"));
      String offModel = a.containsKey("nobatch-model") ? a.get("nobatch-model") : copy(base, model, off);
      Protocol offPredict = predict(offModel, images);
      closedLoop(javaClient(off, offPredict), images, concurrency, 0, 3);
      Run noBatch = closedLoop(javaClient(off, offPredict), images, concurrency, 0, seconds);
      System.out.printf(
          "HTTP c=%d /predict batching OFF (%s): %.0f img/s, p50 = %.2f ms, p99 = %.2f ms, errors %d%n",
          concurrency, off, noBatch.throughput(), noBatch.percentileMs(50),
          noBatch.percentileMs(99), noBatch.errors());
      System.out.printf(
          "batching speed-up at c=%d: %.2fx%n", concurrency, on.throughput() / noBatch.throughput());
    }

    if (a.containsKey("accuracy")) {
      Run all = closedLoop(javaClient(base, predict), images, concurrency, images.size(), 0);
      System.out.printf(
          "top-1 accuracy over HTTP on %d test images: %.2f %% (%d errors); the model's"
              + " registered metrics: %s%n",
          all.requests(), 100.0 * all.correct() / all.requests(), all.errors(),
          extract(modelJson, "metrics"));
      if (v2 != null) {
        Run v2all = closedLoop(javaClient(base, v2), images, concurrency, images.size(), 0);
        System.out.printf(
            "top-1 accuracy over /v2 infer on %d test images: %.2f %% (%d errors)%n",
            v2all.requests(), 100.0 * v2all.correct() / v2all.requests(), v2all.errors());
      }
    }
    System.out.printf("load average at end: %s", Files.readString(Path.of("/proc/loadavg")));
  }

  static void report(String what, Run r) {
    System.out.printf(
        "%s: %d requests, p50 = %.2f ms, p99 = %.2f ms, %.0f img/s, errors %d%n",
        what, r.requests(), r.percentileMs(50), r.percentileMs(99), r.throughput(), r.errors());
  }

  static Protocol predict(String model, List<Image> images) {
    Map<Image, byte[]> bodies = new java.util.IdentityHashMap<>();
    images.forEach(i -> bodies.put(i, i.jpeg()));
    return new Protocol("predict", "/api/v1/models/" + model + "/predict?topK=1", "image/jpeg",
        bodies, LABEL);
  }

  /** Each JPEG as one BYTES element (base64), top-1 class as BYTES (classification 1). */
  static Protocol v2Bytes(String model, List<Image> images) {
    Map<Image, byte[]> bodies = new java.util.IdentityHashMap<>();
    for (Image i : images) {
      bodies.put(i, ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],"
              + "\"data\":[\"" + Base64.getEncoder().encodeToString(i.jpeg()) + "\"]}],"
              + "\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"classification\":1}}]}")
          .getBytes(StandardCharsets.UTF_8));
    }
    return new Protocol("v2-bytes", "/v2/models/" + model + "/infer", "application/json", bodies,
        V2_LABEL);
  }

  /**
   * Each JPEG decoded and normalized by the client (the model's mean/std from its /v2 metadata) as
   * an FP32 [1, 3, 32, 32] tensor; only the first {@code limit} images (the c=1 run's worth).
   */
  static Protocol v2Fp32(String base, String model, List<Image> images, int limit)
      throws Exception {
    String meta = get(base + "/v2/models/" + model);
    float[] mean = floats(meta, "mean");
    float[] std = floats(meta, "std");
    Map<Image, byte[]> bodies = new java.util.IdentityHashMap<>();
    for (Image i : images) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(i.jpeg()));
      int h = img.getHeight();
      int w = img.getWidth();
      StringBuilder data = new StringBuilder(h * w * 3 * 10);
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int v = (img.getRGB(x, y) >> (16 - 8 * c)) & 0xFF;
            data.append(data.length() == 0 ? "" : ",").append((v / 255f - mean[c]) / std[c]);
          }
        }
      }
      bodies.put(i, ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,3,"
              + h + "," + w + "],\"data\":[" + data + "]}],\"outputs\":[{\"name\":\"probabilities\","
              + "\"parameters\":{\"classification\":1}}]}").getBytes(StandardCharsets.UTF_8));
      if (bodies.size() == limit) {
        break; // a run of at most `limit` requests takes images 0..limit-1
      }
    }
    return new Protocol("v2-fp32", "/v2/models/" + model + "/infer", "application/json", bodies,
        V2_LABEL);
  }

  /** A JSON-encoded float list in the model metadata's parameters, e.g. "mean": "[0.49,...]". */
  static float[] floats(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"\\[([^\\]]*)]\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    String[] parts = m.group(1).split(",");
    float[] f = new float[parts.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = Float.parseFloat(parts[i].trim());
    }
    return f;
  }

  static SenderFactory javaClient(String base, Protocol p) {
    URI uri = URI.create(base + p.path());
    return () -> image -> {
      HttpRequest.Builder b = authed(HttpRequest.newBuilder(uri))
          .header("Content-Type", p.contentType())
          .POST(HttpRequest.BodyPublishers.ofByteArray(p.bodies().get(image)));
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    };
  }

  /** A minimal HTTP/1.1 keep-alive client on one socket per load thread. */
  static SenderFactory rawClient(String base, Protocol p) {
    URI uri = URI.create(base);
    byte[] head = ("POST " + p.path() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
            + "\r\nContent-Type: " + p.contentType() + "\r\n"
            + (key != null ? "Authorization: Bearer " + key + "\r\n" : ""))
        .getBytes(StandardCharsets.US_ASCII);
    return () -> new Sender() {
      Socket socket;
      InputStream in;
      OutputStream out;

      @Override
      public Answer send(Image image) throws IOException {
        if (socket == null) {
          socket = new Socket(uri.getHost(), uri.getPort());
          socket.setTcpNoDelay(true);
          in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
          out = socket.getOutputStream();
        }
        byte[] body = p.bodies().get(image);
        ByteArrayOutputStream req = new ByteArrayOutputStream(head.length + body.length + 64);
        req.write(head);
        req.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        req.write(body);
        out.write(req.toByteArray());
        out.flush();
        try {
          Answer answer = readResponse(in);
          if (answer.close()) { // Tomcat closes a connection after 100 requests by default
            socket.close();
            socket = null;
          }
          return answer;
        } catch (IOException e) {
          socket.close();
          socket = null;
          throw e;
        }
      }
    };
  }

  static HttpRequest.Builder authed(HttpRequest.Builder b) {
    return key == null ? b : b.header("Authorization", "Bearer " + key);
  }

  static Answer readResponse(InputStream in) throws IOException {
    String status = line(in);
    if (status == null) {
      throw new IOException("connection closed");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(h.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int n = Integer.parseInt(line(in).trim(), 16); n > 0;
          n = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(n));
        line(in);
      }
      line(in);
    } else if (length >= 0) {
      body.write(in.readNBytes((int) length));
    }
    return new Answer(code, body.toString(StandardCharsets.UTF_8), close);
  }

  static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        int n = s.length();
        return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
      }
      s.append((char) b);
    }
    return s.length() == 0 ? null : s.toString();
  }

  /**
   * {@code workers} threads send images back to back, either {@code total} requests in all
   * (images taken in order, so total = images.size() covers each once) or for {@code seconds}.
   */
  static Run closedLoop(
      SenderFactory senders, List<Image> images, int workers, int total, int seconds)
      throws InterruptedException {
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
      Sender sender = senders.newSender();
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
                    Answer r = sender.send(image);
                    latencies[n++] = System.nanoTime() - t0;
                    if (r.status() != 200) {
                      errors.incrementAndGet();
                      if (errors.get() <= 3) {
                        System.err.println(r.status() + " " + r.body());
                      }
                      continue;
                    }
                    Matcher m = (r.body().contains("\"outputs\"") ? V2_LABEL : LABEL).matcher(r.body());
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
                authed(HttpRequest.newBuilder(URI.create(from + "/api/v1/models/" + model + "/artifact")))
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
            authed(HttpRequest.newBuilder(URI.create(to + "/api/v1/models/import")))
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

  static String get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(authed(HttpRequest.newBuilder(URI.create(url))).build(),
            HttpResponse.BodyHandlers.ofString());
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
