/*
 * What API-key security costs a predict call: HTTP predict latency at concurrency 1 against two
 * instances of the same jar and model, one with security on (the default) and one started with
 * kernelwise.security.enabled=false, in one run. Requests alternate between the two so that load
 * from elsewhere on the machine hits both alike. A plain JDK 17 program:
 *
 *   KERNELWISE_KEY=<key of the secured instance> java bench/SecurityOverhead.java \
 *       --on http://localhost:18191 --model-on <id> --off http://localhost:18192 --model-off <id> \
 *       [--requests 3000] [--warmup 300]
 *
 * bench/security-overhead.sh starts both instances, imports one model into each and runs this.
 */
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

public class SecurityOverhead {
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String key = System.getenv("KERNELWISE_KEY");
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("KERNELWISE_KEY must hold the secured instance's key");
    }
    int requests = Integer.parseInt(a.getOrDefault("requests", "3000"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "300"));
    String on = a.get("on") + "/api/v1/models/" + a.get("model-on") + "/predict";
    String off = a.get("off") + "/api/v1/models/" + a.get("model-off") + "/predict";
    byte[] jpeg = jpeg();

    for (int i = 0; i < warmup; i++) {
      time(on, key, jpeg);
      time(off, null, jpeg);
    }
    long[] withKey = new long[requests];
    long[] without = new long[requests];
    for (int i = 0; i < requests; i++) {
      // alternate which goes first, so neither always follows the other
      if (i % 2 == 0) {
        withKey[i] = time(on, key, jpeg);
        without[i] = time(off, null, jpeg);
      } else {
        without[i] = time(off, null, jpeg);
        withKey[i] = time(on, key, jpeg);
      }
    }
    Arrays.sort(withKey);
    Arrays.sort(without);
    System.out.printf("requests per side: %d (after %d warm-up), concurrency 1%n", requests, warmup);
    System.out.printf(
        "security on : p50 %.3f ms  p90 %.3f ms  p99 %.3f ms%n",
        ms(withKey, 0.5), ms(withKey, 0.9), ms(withKey, 0.99));
    System.out.printf(
        "security off: p50 %.3f ms  p90 %.3f ms  p99 %.3f ms%n",
        ms(without, 0.5), ms(without, 0.9), ms(without, 0.99));
    System.out.printf(
        "overhead    : p50 %+.3f ms (goal: within 0.2 ms)%n", ms(withKey, 0.5) - ms(without, 0.5));
  }

  static long time(String url, String key, byte[] jpeg) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    long t = System.nanoTime() - t0;
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " -> " + r.statusCode() + " " + new String(r.body()));
    }
    return t;
  }

  static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
  }

  static byte[] jpeg() throws Exception {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(1);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }
}
