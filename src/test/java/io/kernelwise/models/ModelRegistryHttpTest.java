package io.kernelwise.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Multipart;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.network.NetworkFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The model registry over HTTP: list, read, delete, export, import and every broken artifact. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelRegistryHttpTest {
  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", ServingFixtures::newDataDir);
  }

  static final JsonMapper JSON = JsonMapper.shared();

  @LocalServerPort int port;
  @Autowired ModelRegistry registry;
  @Autowired NetworkFactory networks;
  @Autowired ModelStore store;
  @TempDir Path tmp;

  final String base = "/api/v1/models";
  HttpJson api;

  @BeforeEach
  void setUp() {
    api = HttpJson.local(port);
  }

  @Test
  void registeredModelIsListedReadAndDeleted() throws Exception {
    String id = ServingFixtures.registerSeedModel(registry, networks, tmp);

    JsonNode model = JSON.readTree(get(base + "/" + id).text());
    assertThat(model.get("id").asString()).isEqualTo(id);
    assertThat(model.get("architectureId").asString()).isEqualTo("arch-test");
    assertThat(model.get("datasetId").asString()).isEqualTo("cifar10-mini");
    assertThat(model.get("jobId").asString()).isEqualTo("job-test");
    assertThat(model.get("classes")).hasSize(10);
    assertThat(model.get("input").get("channels").asInt()).isEqualTo(3);
    assertThat(model.get("input").get("height").asInt()).isEqualTo(32);
    assertThat(model.get("normalization").get("std").get(2).asDouble())
        .isCloseTo(0.2616, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(model.get("metrics").get("testAccuracy").asDouble()).isEqualTo(0.1);
    long onDisk;
    try (Stream<Path> files = Files.list(store.directory(id))) {
      onDisk = files.mapToLong(ModelStore::sizeOf).sum();
    }
    assertThat(model.get("artifactBytes").asLong()).isEqualTo(onDisk).isGreaterThan(1_000_000);
    assertThat(model.get("createdAt").asString()).isNotBlank();

    JsonNode page = JSON.readTree(get(base + "?page=0&size=500").text());
    assertThat(page.get("items").findValuesAsString("id")).contains(id);
    assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(get(base + "?size=0").status()).isEqualTo(400);

    assertThat(delete(id).status()).isEqualTo(204);
    Response gone = get(base + "/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
    assertThat(store.directory(id)).doesNotExist();
    assertThat(delete(id).status()).isEqualTo(404);
  }

  @Test
  void exportDeleteImportGivesIdenticalProbabilities() throws Exception {
    String id = ServingFixtures.registerSeedModel(registry, networks, tmp);
    byte[] image = ServingFixtures.cifarTestImages(1).get(0).bytes();
    String before = postBytes(base + "/" + id + "/predict?topK=10", "image/jpeg", image).text();

    byte[] zip = artifact(id);
    Map<String, byte[]> entries = unzip(zip);
    assertThat(entries.keySet())
        .containsExactly(
            "spec.json", "parameters", "labels.json", "normalization.json", "manifest.json");
    JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
    assertThat(manifest.get("formatVersion").asInt()).isEqualTo(1);
    assertThat(manifest.get("created").asString()).isNotBlank();
    for (String f : ModelFiles.CHECKSUMMED) {
      assertThat(manifest.get("files").get(f).get("sha256").asString())
          .isEqualTo(sha256(entries.get(f)));
    }

    assertThat(delete(id).status()).isEqualTo(204);
    Response imported = importZip(zip);
    assertThat(imported.status()).isEqualTo(201);
    String newId = JSON.readTree(imported.body()).get("id").asString();
    assertThat(imported.headers().firstValue("Location")).hasValue("/api/v1/models/" + newId);
    assertThat(JSON.readTree(imported.body()).get("name").asString())
        .isEqualTo("seed-3x3 test model");

    String after = postBytes(base + "/" + newId + "/predict?topK=10", "image/jpeg", image).text();
    assertThat(JSON.readTree(after).get("predictions"))
        .isEqualTo(JSON.readTree(before).get("predictions"));
    // the re-exported manifest names the new id
    assertThat(JSON.readTree(unzip(artifact(newId)).get("manifest.json")).get("modelId").asString())
        .isEqualTo(newId);
  }

  @Test
  void brokenArtifactsAreRejectedAndNothingIsStored() throws Exception {
    String id = ServingFixtures.registerSeedModel(registry, networks, tmp);
    byte[] zip = artifact(id);
    Map<String, byte[]> good = unzip(zip);
    long total = total();
    List<String> modelDirs = modelDirectories();

    // a flipped byte in the parameters: checksum mismatch
    Map<String, byte[]> tampered = new LinkedHashMap<>(good);
    byte[] params = good.get("parameters").clone();
    params[params.length / 2] ^= 0x55;
    tampered.put("parameters", params);
    assertRejected(importZip(zip(tampered)), "parameters");

    // truncated download
    assertRejected(importZip(java.util.Arrays.copyOf(zip, zip.length / 2)), "file");
    // a zip without the manifest
    Map<String, byte[]> noManifest = new LinkedHashMap<>(good);
    noManifest.remove("manifest.json");
    assertRejected(importZip(zip(noManifest)), "manifest.json");
    // path traversal and unknown entries
    Map<String, byte[]> traversal = new LinkedHashMap<>(good);
    traversal.put("../../evil.sh", "rm -rf /".getBytes(StandardCharsets.UTF_8));
    assertRejected(importZip(zip(traversal)), "evil");
    // not a zip at all, and no file part
    assertRejected(importZip("hello".getBytes(StandardCharsets.UTF_8)), "zip");
    Response noFile = api.multipart(base + "/import", new Multipart().file("other", "x.zip", zip));
    assertThat(noFile.status()).isEqualTo(400);
    // an unsupported format version
    Map<String, byte[]> future = new LinkedHashMap<>(good);
    ObjectNode m = (ObjectNode) JSON.readTree(good.get("manifest.json"));
    m.put("formatVersion", 99);
    future.put("manifest.json", JSON.writeValueAsBytes(m));
    assertRejected(importZip(zip(future)), "formatVersion");
    // consistent checksums, but parameters that do not fit the spec: caught by loading them
    Map<String, byte[]> mismatch = new LinkedHashMap<>(good);
    ObjectNode spec = (ObjectNode) JSON.readTree(good.get("spec.json"));
    ((ObjectNode) spec.get("layers").get(7)).put("units", 256);
    byte[] specBytes = JSON.writeValueAsBytes(spec);
    mismatch.put("spec.json", specBytes);
    ObjectNode m2 = (ObjectNode) JSON.readTree(good.get("manifest.json"));
    ((ObjectNode) m2.get("files").get("spec.json")).put("sha256", sha256(specBytes));
    ((ObjectNode) m2.get("files").get("spec.json")).put("bytes", specBytes.length);
    mismatch.put("manifest.json", JSON.writeValueAsBytes(m2));
    assertRejected(importZip(zip(mismatch)), "parameters");

    assertThat(total()).isEqualTo(total);
    assertThat(modelDirectories()).isEqualTo(modelDirs);
    try (Stream<Path> staging = Files.list(store.root().resolve(".staging"))) {
      assertThat(staging).isEmpty();
    }
  }

  @Test
  void aRowWhoseFilesAreNotVisibleYetAnswers503(@org.junit.jupiter.api.io.TempDir Path elsewhere)
      throws Exception {
    String id = ServingFixtures.registerSeedModel(registry, networks, tmp);
    Path hidden = elsewhere.resolve(id);
    // as a replica whose shared volume has not caught up yet
    Files.move(store.directory(id), hidden);
    Response artifact = get(base + "/" + id + "/artifact");
    assertThat(artifact.status()).isEqualTo(503);
    assertThat(artifact.text()).contains("not (yet) visible");
    byte[] jpeg = ServingFixtures.cifarTestImages(1).get(0).bytes();
    Response predict = postBytes(base + "/" + id + "/predict", "image/jpeg", jpeg);
    assertThat(predict.status()).isEqualTo(503);
    Files.move(hidden, store.directory(id));
    assertThat(postBytes(base + "/" + id + "/predict", "image/jpeg", jpeg).status()).isEqualTo(200);
  }

  @Test
  void endpointsAreDocumented() {
    String docs = get("/v3/api-docs").text();
    assertThat(docs)
        .contains("/api/v1/models/{id}/predict")
        .contains("/api/v1/models/{id}/artifact")
        .contains("/api/v1/models/import")
        .contains("\"Models\"")
        .contains("\"Inference\"");
  }

  @Test
  void unknownModelIs404() {
    assertThat(get(base + "/nope").status()).isEqualTo(404);
    assertThat(get(base + "/nope/artifact").status()).isEqualTo(404);
  }

  private void assertRejected(Response response, String mention) {
    assertThat(response.status()).as(response.text()).isBetween(400, 499);
    assertThat(response.text()).contains(mention);
  }

  private Response get(String path) {
    return api.get(path);
  }

  private Response postBytes(String path, String contentType, byte[] body) {
    return api.post(path, contentType, body);
  }

  private long total() {
    return JSON.readTree(get(base).text()).get("total").asLong();
  }

  private List<String> modelDirectories() throws IOException {
    try (Stream<Path> dirs = Files.list(store.root())) {
      return dirs.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  private Response delete(String id) {
    return api.delete(base + "/" + id);
  }

  private byte[] artifact(String id) throws Exception {
    Response r = get(base + "/" + id + "/artifact").expect(200);
    assertThat(r.contentType()).isEqualTo("application/zip");
    return r.body();
  }

  private Response importZip(byte[] zip) {
    return api.multipart(base + "/import", new Multipart().file("file", "model.zip", zip));
  }

  static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (var e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
