package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /datasets/{id}/samples} over HTTP: the PNGs hold the uploaded pixels, every class
 * shows up round-robin, large images are scaled down, and bad requests are 4xx problems.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetSamplesApiTest {
  /** Solid colours, one per class, so a sample's pixels say which class it came from. */
  static final int[] COLOURS = {0xD02020, 0x20A040, 0x2040D0};

  static final String[] CLASSES = {"blue", "green", "red"}; // sorted folder names

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
  }

  @LocalServerPort int port;
  HttpJson api;

  @BeforeEach
  void client() {
    api = HttpJson.local(port);
  }

  @Test
  void samplesAreTheUploadedImagesRoundRobinOverClasses() throws Exception {
    String id = dataset(32, 4);
    JsonNode s = api.getJson("/api/v1/datasets/" + id + "/samples?count=5");
    assertThat(s.get("datasetId").asString()).isEqualTo(id);
    assertThat(s.get("split").asString()).isEqualTo("train");
    List<String> labels = new ArrayList<>();
    for (JsonNode sample : s.get("samples")) {
      labels.add(sample.get("label").asString());
      assertThat(sample.get("classIndex").asInt())
          .isEqualTo(List.of(CLASSES).indexOf(sample.get("label").asString()));
      BufferedImage png = decode(sample.get("image").asString());
      assertThat(png.getWidth()).isEqualTo(32).isEqualTo(sample.get("width").asInt());
      assertThat(png.getHeight()).isEqualTo(32);
      int expected = colourOf(sample.get("label").asString());
      assertThat(png.getRGB(5, 7) & 0xFFFFFF)
          .as("pixel of a %s sample", sample.get("label").asString())
          .isEqualTo(expected);
    }
    assertThat(labels).containsExactly("blue", "green", "red", "blue", "green");

    JsonNode test = api.getJson("/api/v1/datasets/" + id + "/samples?split=test&count=3");
    assertThat(test.get("split").asString()).isEqualTo("test");
    assertThat(test.get("samples")).hasSize(3);
    JsonNode all = api.getJson("/api/v1/datasets/" + id + "/samples?count=32");
    assertThat(all.get("samples")).as("no more than the split holds").hasSize(12);
  }

  @Test
  void largeImagesComeBackScaledDown() throws Exception {
    String id = dataset(300, 1);
    JsonNode sample = api.getJson("/api/v1/datasets/" + id + "/samples?count=1").get("samples");
    BufferedImage png = decode(sample.get(0).get("image").asString());
    assertThat(png.getWidth()).isEqualTo(DatasetSamples.MAX_SIDE);
    assertThat(png.getHeight()).isEqualTo(DatasetSamples.MAX_SIDE);
  }

  @Test
  void badRequestsAreProblemsNamingTheField() throws Exception {
    String id = dataset(32, 4);
    assertProblem(api.get("/api/v1/datasets/" + id + "/samples?count=0"), 400, "count");
    assertProblem(api.get("/api/v1/datasets/" + id + "/samples?count=33"), 400, "count");
    assertProblem(api.get("/api/v1/datasets/" + id + "/samples?split=val"), 400, "split");
    assertThat(api.get("/api/v1/datasets/nope/samples").status()).isEqualTo(404);
    // a built-in that is not converted has no cache to read from
    HttpJson.Response builtin = api.get("/api/v1/datasets/cifar10/samples");
    assertThat(builtin.status()).isEqualTo(409);
    assertThat(builtin.contentType()).startsWith("application/problem+json");
  }

  private static void assertProblem(HttpJson.Response r, int status, String field) {
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json(status).get("errors").get(0).get("field").asString()).isEqualTo(field);
  }

  private static int colourOf(String label) {
    return switch (label) {
      case "red" -> COLOURS[0];
      case "green" -> COLOURS[1];
      default -> COLOURS[2];
    };
  }

  private static BufferedImage decode(String dataUrl) throws Exception {
    assertThat(dataUrl).startsWith("data:image/png;base64,");
    byte[] bytes = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }

  /** train/ and test/ splits of three solid-colour classes, {@code perClass} images each. */
  private String dataset(int side, int perClass) throws Exception {
    TestZips zip = TestZips.create();
    for (String split : List.of("train", "test")) {
      for (String c : CLASSES) {
        for (int i = 0; i < perClass; i++) {
          zip.add(split + "/" + c + "/" + i + ".png", solid(side, colourOf(c)));
        }
      }
    }
    return api.multipart(
            "/api/v1/datasets",
            new HttpJson.Multipart().file("file", "colours.zip", "application/zip", zip.bytes()))
        .json(201)
        .get("id")
        .asString();
  }

  private static byte[] solid(int side, int rgb) throws Exception {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
