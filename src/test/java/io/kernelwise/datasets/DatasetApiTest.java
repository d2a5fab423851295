package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Multipart;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.TestImages;
import io.kernelwise.system.ApiException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The datasets API over HTTP, with the CIFAR-10 fixture ({@link TestImages}) and generated hostile
 * zips.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetApiTest {
  static final Path MINI = TestImages.fixture();
  static final int TRAIN = 10 * TestImages.TRAIN_PER_CLASS;
  static final int TEST = 10 * TestImages.TEST_PER_CLASS;
  static final List<String> CIFAR_CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.datasets.max-entries", () -> "3000");
    registry.add("kernelwise.datasets.max-uncompressed-size", () -> "20MB");
    registry.add("kernelwise.datasets.max-image-side", () -> "512");
    registry.add("kernelwise.datasets.max-classes", () -> "20");
    registry.add("kernelwise.datasets.ingest-threads", () -> "2");
  }

  @LocalServerPort int port;
  @Autowired DatasetTensors tensors;

  private HttpJson api;

  @BeforeEach
  void client() {
    api = HttpJson.local(port);
  }

  // ---- the happy path ------------------------------------------------------------------------

  @Test
  void describeReadsNoPixels() throws Exception {
    Response r = upload(Files.readAllBytes(MINI), "mini.zip", "described", null);
    String id = r.json().get("id").asString();
    // without its pixels the dataset can no longer be loaded, but it can still be described
    Files.delete(dataDir.resolve("datasets").resolve(id).resolve("train.u8"));
    DatasetShape shape = tensors.describe(id);
    assertThat(shape.classes()).isEqualTo(CIFAR_CLASSES);
    assertThat(List.of(shape.channels(), shape.height(), shape.width())).containsExactly(3, 32, 32);
    assertThatThrownBy(() -> tensors.load(id)).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> tensors.describe("no-such-dataset"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND));
  }

  @Test
  void uploadsCifar10MiniSynchronouslyAndLoadsItsTensors() throws Exception {
    Response r = upload(Files.readAllBytes(MINI), "mini.zip", "cifar10-mini", null);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode d = r.json();
    String id = d.get("id").asString();
    assertThat(r.location()).isEqualTo("/api/v1/datasets/" + id);
    assertThat(d.get("state").asString()).isEqualTo("READY");
    assertThat(d.get("name").asString()).isEqualTo("cifar10-mini");
    assertThat(strings(d.get("classes"))).isEqualTo(CIFAR_CLASSES);
    assertThat(d.get("trainCount").asInt()).isEqualTo(TRAIN);
    assertThat(d.get("testCount").asInt()).isEqualTo(TEST);
    assertThat(d.get("channels").asInt()).isEqualTo(3);
    assertThat(d.get("height").asInt()).isEqualTo(32);
    assertThat(d.get("width").asInt()).isEqualTo(32);
    for (int c = 0; c < 3; c++) {
      assertThat(d.get("mean").get(c).asDouble()).isBetween(0.35, 0.6);
      assertThat(d.get("std").get(c).asDouble()).isBetween(0.15, 0.35);
    }
    assertThat(get("/api/v1/datasets/" + id).json().get("trainCount").asInt()).isEqualTo(TRAIN);
    assertThat(Files.exists(dataDir.resolve("datasets").resolve(id).resolve("train.u8"))).isTrue();

    LoadedDataset loaded = tensors.load(id);
    assertThat(loaded.classes()).isEqualTo(CIFAR_CLASSES);
    assertThat(loaded.train().count()).isEqualTo(TRAIN);
    assertThat(loaded.test().count()).isEqualTo(TEST);
    assertThat(loaded.train().pixels()).hasSize(TRAIN * 3 * 32 * 32);
    assertThat(tensors.load(id)).as("repeated loads are cached").isSameAs(loaded);
    // mean recomputed from the loaded pixels matches the reported one
    double red = 0;
    for (int i = 0; i < TRAIN; i++) {
      for (int p = 0; p < 1024; p++) {
        red += loaded.train().pixels()[i * 3072 + p] & 0xFF;
      }
    }
    assertThat(red / (TRAIN * 1024 * 255.0)).isCloseTo(loaded.mean()[0], within(1e-4));

    // every class folder's images carry that class's label; pixels equal a direct decode
    int[] perClass = new int[10];
    for (int label : loaded.train().labels()) {
      perClass[label]++;
    }
    assertThat(perClass).containsOnly(TestImages.TRAIN_PER_CLASS);
    try (ZipFile zip = new ZipFile(MINI.toFile())) {
      List<? extends ZipEntry> entries = Collections.list(zip.entries());
      Collections.shuffle(entries, new Random(7));
      int checked = 0;
      for (ZipEntry e : entries) {
        if (e.isDirectory() || checked >= 40) {
          continue;
        }
        String[] parts = e.getName().split("/");
        ImageSplit split = parts[0].equals("train") ? loaded.train() : loaded.test();
        byte[] expected = decodeDirectly(zip, e);
        int index = indexOf(split, expected);
        assertThat(index).as("image %s is in the cache", e.getName()).isNotNegative();
        assertThat(loaded.classes().get(split.labels()[index])).isEqualTo(parts[1]);
        checked++;
      }
      assertThat(checked).isEqualTo(40);
    }
  }

  @Test
  void ingestsLargeUploadsInTheBackgroundAndDeletesThem() throws Exception {
    Response r = upload(Files.readAllBytes(MINI), "mini.zip", "async-mini", true);
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    assertThat(r.json().get("state").asString()).isEqualTo("INGESTING");
    JsonNode d = awaitFinished(r.location());
    assertThat(d.get("state").asString()).isEqualTo("READY");
    assertThat(d.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(d.get("testCount").asInt()).isEqualTo(TEST);
    String id = d.get("id").asString();
    Path dir = dataDir.resolve("datasets").resolve(id);
    assertThat(dir).isDirectory();

    assertThat(delete(r.location()).status()).isEqualTo(204);
    assertThat(get(r.location()).status()).isEqualTo(404);
    assertThat(dir).doesNotExist();
    assertThatThrownBy(() -> tensors.load(id)).isInstanceOf(ApiException.class);
  }

  @Test
  void resizesMixedSizesToTheMajorityAndDetectsGrayscale() throws Exception {
    byte[] zip =
        TestZips.create()
            .add("data/a/1.png", TestZips.image("png", 20, 16, true, 1))
            .add("data/a/2.jpg", TestZips.image("jpg", 20, 16, true, 2))
            .add("data/b/3.png", TestZips.image("png", 20, 16, true, 3))
            .add("data/b/4.png", TestZips.image("png", 40, 30, true, 4))
            .bytes();
    Response r = upload(zip, "gray.zip", null, null);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode d = r.json();
    assertThat(strings(d.get("classes"))).containsExactly("a", "b");
    assertThat(d.get("channels").asInt()).isEqualTo(1);
    assertThat(d.get("width").asInt()).isEqualTo(20);
    assertThat(d.get("height").asInt()).isEqualTo(16);
    assertThat(d.get("resized").asInt()).isEqualTo(1);
    assertThat(d.get("name").asString()).isEqualTo("gray");
    LoadedDataset loaded = tensors.load(d.get("id").asString());
    assertThat(loaded.test()).isNull();
    assertThat(loaded.train().pixels()).hasSize(4 * 16 * 20);
    assertThat(loaded.train().labels()).containsExactly(0, 0, 1, 1);
  }

  @Test
  void skipsUndecodableFilesAndReportsEachOne() throws Exception {
    byte[] zip =
        TestZips.create()
            .add("cat/1.png", TestZips.png(8, 8, 1))
            .add("cat/broken.jpg", "this is not a jpeg".getBytes(StandardCharsets.UTF_8))
            .add("cat/huge.png", TestZips.pngClaiming(100_000))
            .add("dog/2.png", TestZips.png(8, 8, 2))
            .add("dog/notes.txt", "hello".getBytes(StandardCharsets.UTF_8))
            .add("README.md", "top-level file".getBytes(StandardCharsets.UTF_8))
            .add("__MACOSX/._1.png", new byte[] {1})
            .bytes();
    Response r = upload(zip, "skips.zip", null, null);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode d = r.json();
    assertThat(d.get("trainCount").asInt()).isEqualTo(2);
    List<String> skipped = new ArrayList<>();
    d.get("skipped").forEach(s -> skipped.add(s.get("file").asString() + ": " + s.get("reason")));
    assertThat(skipped).hasSize(4);
    assertThat(String.join("\n", skipped))
        .contains("cat/broken.jpg: \"not a JPEG or PNG image\"")
        .contains("cat/huge.png: \"declares 100000x100000 pixels, more than maxImageSide 512\"")
        .contains("dog/notes.txt")
        .contains("README.md");
  }

  // ---- hostile uploads: 400 and nothing stored -------------------------------------------------

  @Test
  void refusesNonZipsAndEmptyZips() throws Exception {
    assertRefused("not a zip at all".getBytes(StandardCharsets.UTF_8), "not a readable zip");
    assertRefused(TestZips.create().bytes(), "file");
    assertRefused(
        TestZips.create().add("empty/", new byte[0]).bytes(), "the zip archive holds no files");
  }

  @Test
  void refusesZipsWithoutTwoClassFolders() throws Exception {
    assertRefused(
        TestZips.create()
            .add("1.png", TestZips.png(8, 8, 1))
            .add("2.png", TestZips.png(8, 8, 2))
            .bytes(),
        "has no class folders");
    assertRefused(
        TestZips.create()
            .add("cat/1.png", TestZips.png(8, 8, 1))
            .add("cat/2.png", TestZips.png(8, 8, 2))
            .bytes(),
        "needs at least 2 class folders, found only 'cat'");
    TestZips many = TestZips.create();
    for (int c = 0; c < 21; c++) {
      many.add("c" + c + "/1.png", TestZips.png(4, 4, c));
    }
    assertRefused(many.bytes(), "21 class folders, more than 20 (maxClasses)");
    assertRefused(
        TestZips.create()
            .add("cat/1.png", TestZips.png(8, 8, 1))
            .add("dog/2.jpg", "garbage".getBytes(StandardCharsets.UTF_8))
            .bytes(),
        "class folder 'dog' has no readable train images");
  }

  @Test
  void refusesPathTraversalAndAbsoluteNames() throws Exception {
    byte[] png = TestZips.png(8, 8, 1);
    assertRefused(
        TestZips.create().add("cat/1.png", png).add("../x.jpg", png).bytes(), "path traversal");
    assertRefused(
        TestZips.create().add("cat/1.png", png).add("dog/../../x.png", png).bytes(),
        "path traversal");
    assertRefused(
        TestZips.create().add("cat/1.png", png).add("/etc/dog/x.png", png).bytes(),
        "absolute path");
    assertRefused(
        TestZips.create().add("cat/1.png", png).add("C:\\dog\\x.png", png).bytes(),
        "absolute path");
  }

  @Test
  void refusesZipBombs() throws Exception {
    byte[] png = TestZips.png(8, 8, 1);
    TestZips manyEntries = TestZips.create();
    for (int i = 0; i < 3001; i++) {
      manyEntries.add((i % 2 == 0 ? "cat/" : "dog/") + i + ".txt", new byte[0]);
    }
    assertRefused(manyEntries.bytes(), "more than 3000 entries (maxEntries)");

    // 4 MB of zeros deflate to ~4 KB: far above a 200x ratio (larger entries than the largest
    // acceptable image are skipped unread: ZipIngestTest)
    assertRefused(
        TestZips.create().add("cat/1.png", png).add("dog/bomb.png", new byte[4 << 20]).bytes(),
        "expands more than 200x its compressed size");

    // honest headers over the total: refused from the central directory (each entry under the
    // largest acceptable image, about 6.3 MB at max-image-side 512: larger ones are skipped unread)
    byte[] random = new byte[11 << 19];
    new Random(1).nextBytes(random);
    TestZips big =
        TestZips.create()
            .add("cat/1.png", random)
            .add("dog/2.png", random)
            .add("cat/3.png", random)
            .add("dog/4.png", random);
    assertRefused(big.bytes(), "declares more than 20971520 uncompressed bytes");
    // the same with lying headers: caught while inflating, after the declared size
    assertRefused(
        TestZips.forgeDeclaredSizes(big.bytes(), 1000),
        "inflates to more than the 1000 bytes its header declares");
  }

  @Test
  void failedBackgroundIngestKeepsOnlyTheReason() throws Exception {
    byte[] zip =
        TestZips.create()
            .add("cat/1.png", TestZips.png(8, 8, 1))
            .add("dog/2.jpg", "garbage".getBytes(StandardCharsets.UTF_8))
            .bytes();
    Response r = upload(zip, "bad.zip", null, true);
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    JsonNode d = awaitFinished(r.location());
    assertThat(d.get("state").asString()).isEqualTo("FAILED");
    assertThat(d.get("reason").asString()).contains("class folder 'dog'");
    String id = d.get("id").asString();
    assertThat(dataDir.resolve("datasets").resolve(id)).doesNotExist();
    assertThat(leftovers()).isEmpty();
    assertThatThrownBy(() -> tensors.load(id))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT))
        .hasMessageContaining("FAILED");
  }

  @Test
  void unknownIdsAre404AndMissingFileIs400() throws Exception {
    assertThat(get("/api/v1/datasets/nope").status()).isEqualTo(404);
    assertThat(delete("/api/v1/datasets/nope").status()).isEqualTo(404);
    assertThatThrownBy(() -> tensors.load("nope"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND));
    Response noFile =
        api.post("/api/v1/datasets", "multipart/form-data; boundary=xyz", "--xyz--\r\n".getBytes());
    assertThat(noFile.status()).isEqualTo(400);
    assertThat(noFile.text()).contains("\"field\":\"file\"");
    Response farPage = get("/api/v1/datasets?page=2147483647&size=500");
    assertThat(farPage.status()).as(farPage.text()).isEqualTo(400);
  }

  // ---- built-ins -------------------------------------------------------------------------------

  @Test
  void listsBuiltinsAndNamesTheMissingFiles() throws Exception {
    JsonNode page = get("/api/v1/datasets?page=0&size=50").json();
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(i -> ids.add(i.get("id").asString()));
    assertThat(ids.subList(0, 3)).containsExactly("cifar10", "mnist", "fashion-mnist");
    assertThat(page.get("total").asLong()).isEqualTo(ids.size());
    JsonNode fashion = get("/api/v1/datasets/fashion-mnist").json();
    assertThat(fashion.get("builtin").asBoolean()).isTrue();
    assertThat(fashion.get("available").asBoolean()).isFalse();
    assertThat(fashion.get("state").asString()).isEqualTo("MISSING");
    String expectedDir = "<data-dir>/builtin/fashion-mnist/";
    assertThat(fashion.get("reason").asString())
        .contains("train-images-idx3-ubyte", "t10k-labels-idx1-ubyte", expectedDir)
        .doesNotContain(dataDir.toAbsolutePath().toString());
    assertThatThrownBy(() -> tensors.load("fashion-mnist"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT))
        .hasMessageContaining(expectedDir);
    assertThat(delete("/api/v1/datasets/cifar10").status()).isEqualTo(409);
    String docs = get("/v3/api-docs").text();
    assertThat(docs).contains("/api/v1/datasets/{id}", "Upload an image-folder zip", "DatasetView");
    assertThat(
            get("/api/v1/datasets?size=2&page=1").json().get("items").get(0).get("id").asString())
        .isEqualTo("fashion-mnist");
  }

  @Test
  void convertsMnistIdxFilesOnFirstUse() throws Exception {
    Path dir = Files.createDirectories(dataDir.resolve("builtin/mnist"));
    Random random = new Random(3);
    byte[] trainPixels = new byte[5 * 28 * 28];
    random.nextBytes(trainPixels);
    byte[] testPixels = new byte[2 * 28 * 28];
    random.nextBytes(testPixels);
    writeIdx(
        dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {5, 28, 28}, trainPixels, true);
    writeIdx(
        dir.resolve("train-labels-idx1-ubyte"),
        0x801,
        new int[] {5},
        new byte[] {3, 1, 4, 1, 5},
        false);
    writeIdx(
        dir.resolve("t10k-images-idx3-ubyte"), 0x803, new int[] {2, 28, 28}, testPixels, false);
    writeIdx(
        dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, new int[] {2}, new byte[] {9, 2}, true);
    assertThat(get("/api/v1/datasets/mnist").json().get("state").asString()).isEqualTo("AVAILABLE");

    LoadedDataset mnist = tensors.load("mnist");
    assertThat(mnist.channels()).isEqualTo(1);
    assertThat(mnist.height()).isEqualTo(28);
    assertThat(mnist.train().pixels()).isEqualTo(trainPixels);
    assertThat(mnist.train().labels()).containsExactly(3, 1, 4, 1, 5);
    assertThat(mnist.test().pixels()).isEqualTo(testPixels);
    assertThat(mnist.test().labels()).containsExactly(9, 2);
    JsonNode view = get("/api/v1/datasets/mnist").json();
    assertThat(view.get("state").asString()).isEqualTo("READY");
    assertThat(view.get("available").asBoolean()).isTrue();
    assertThat(view.get("trainCount").asInt()).isEqualTo(5);
  }

  @Test
  void convertsCifar10BinaryBatchesOnFirstUse() throws Exception {
    Path dir = Files.createDirectories(dataDir.resolve("builtin/cifar10/cifar-10-batches-bin"));
    Random random = new Random(5);
    byte[][] batches = new byte[6][];
    for (int b = 0; b < 6; b++) {
      batches[b] = new byte[2 * 3073];
      random.nextBytes(batches[b]);
      batches[b][0] = (byte) b;
      batches[b][3073] = (byte) (9 - b);
      String name = b < 5 ? "data_batch_" + (b + 1) + ".bin" : "test_batch.bin";
      Files.write(dir.resolve(name), batches[b]);
    }
    LoadedDataset cifar = tensors.load("cifar10");
    assertThat(cifar.classes()).isEqualTo(CIFAR_CLASSES);
    assertThat(cifar.train().count()).isEqualTo(10);
    assertThat(cifar.test().count()).isEqualTo(2);
    assertThat(cifar.train().labels()).containsExactly(0, 9, 1, 8, 2, 7, 3, 6, 4, 5);
    // record 3 = batch 2's first image: bytes 1..3072 of that batch
    assertThat(Arrays.copyOfRange(cifar.train().pixels(), 2 * 3072, 3 * 3072))
        .isEqualTo(Arrays.copyOfRange(batches[1], 1, 3073));
    assertThat(cifar.test().labels()).containsExactly(5, 4);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void assertRefused(byte[] zip, String detail) throws Exception {
    long before = get("/api/v1/datasets?size=500").json().get("total").asLong();
    List<Path> dirsBefore = datasetDirs();
    Response r = upload(zip, "hostile.zip", "hostile", null);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode problem = r.json();
    assertThat(problem.get("detail").asString()).contains(detail);
    assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("file");
    assertThat(get("/api/v1/datasets?size=500").json().get("total").asLong()).isEqualTo(before);
    assertThat(datasetDirs()).isEqualTo(dirsBefore);
    assertThat(leftovers()).isEmpty();
  }

  private List<Path> datasetDirs() throws IOException {
    Path root = dataDir.resolve("datasets");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }

  /** Temporary upload or ingest files that outlived their request. */
  private List<Path> leftovers() throws IOException {
    Path root = dataDir.resolve("datasets");
    List<Path> left = new ArrayList<>();
    if (Files.isDirectory(root.resolve(".uploads"))) {
      try (Stream<Path> s = Files.list(root.resolve(".uploads"))) {
        left.addAll(s.toList());
      }
    }
    try (Stream<Path> s = Files.list(root)) {
      s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).forEach(left::add);
    }
    return left;
  }

  private JsonNode awaitFinished(String location) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode d = get(location).json();
      if (!d.get("state").asString().equals("INGESTING")) {
        return d;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("still INGESTING after 30 s: " + location);
  }

  private static byte[] decodeDirectly(ZipFile zip, ZipEntry e) throws IOException {
    BufferedImage img;
    try (InputStream in = zip.getInputStream(e)) {
      img = ImageIO.read(in);
    }
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] chw = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        int i = y * w + x;
        chw[i] = (byte) (rgb >> 16);
        chw[w * h + i] = (byte) (rgb >> 8);
        chw[2 * w * h + i] = (byte) rgb;
      }
    }
    return chw;
  }

  private static int indexOf(ImageSplit split, byte[] image) {
    int size = image.length;
    for (int i = 0; i < split.count(); i++) {
      if (Arrays.equals(split.pixels(), i * size, (i + 1) * size, image, 0, size)) {
        return i;
      }
    }
    return -1;
  }

  private static void writeIdx(Path file, int magic, int[] dims, byte[] data, boolean gzip)
      throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(raw);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(data);
    out.flush();
    byte[] bytes = raw.toByteArray();
    if (gzip) {
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gz)) {
        g.write(bytes);
      }
      bytes = gz.toByteArray();
    }
    Files.write(file, bytes);
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asString()));
    return list;
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  private Response get(String path) {
    return api.get(path);
  }

  private Response delete(String path) {
    return api.delete(path);
  }

  private Response upload(byte[] zip, String filename, String name, Boolean async) {
    Multipart form = new Multipart().file("file", filename, "application/zip", zip);
    if (name != null) {
      form.field("name", name);
    }
    String query = async == null ? "" : "?async=" + async;
    return api.multipart("/api/v1/datasets" + query, form);
  }
}
