package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kernelwise.system.ApiException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout and pixel rules of the ingest, without the web layer. */
class ZipIngestTest {
  @TempDir Path dir;
  private final ZipIngest ingest = new ZipIngest(new IngestLimits(1000, 10 << 20, 200, 256, 10), 2);

  @Test
  void wrapperFolderAndValAliasMakeATestSplit() throws Exception {
    byte[] zip =
        TestZips.create()
            .stored()
            .add("set/train/b/1.png", TestZips.png(6, 6, 1))
            .add("set/train/a/2.png", TestZips.png(6, 6, 2))
            .add("set/train/a/sub/3.png", TestZips.png(6, 6, 3))
            .add("set/val/b/4.png", TestZips.png(6, 6, 4))
            .add("set/other/5.png", TestZips.png(6, 6, 5))
            .bytes();
    CacheManifest m = run(zip);
    assertThat(m.classes()).containsExactly("a", "b");
    assertThat(m.trainPerClass()).containsExactly(2, 1);
    assertThat(m.testPerClass()).containsExactly(0, 1);
    assertThat(m.skipped())
        .containsExactly(
            new SkippedFile("set/other/5.png", "outside the train/ and test/ folders"));
    assertThat(TensorCache.readLabels(dir.resolve("out/train.labels"), 3)).containsExactly(0, 0, 1);
  }

  @Test
  void pngWithAlphaAndPaletteBecomeRgbPlanes() throws Exception {
    BufferedImage rgba = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
    fill(rgba, new Color(250, 10, 20, 255));
    BufferedImage palette = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED);
    fill(palette, new Color(0, 0, 255));
    byte[] zip =
        TestZips.create().add("red/1.png", png(rgba)).add("blue/2.png", png(palette)).bytes();
    CacheManifest m = run(zip);
    assertThat(m.channels()).isEqualTo(3);
    byte[] pixels = Files.readAllBytes(dir.resolve("out/train.u8"));
    assertThat(m.classes()).containsExactly("blue", "red");
    // blue first (class 0): R and G planes 0, B plane 255; then red: 250, 10, 20
    assertThat(pixels[0] & 0xFF).isEqualTo(0);
    assertThat(pixels[32] & 0xFF).isEqualTo(255);
    assertThat(pixels[48] & 0xFF).isEqualTo(250);
    assertThat(pixels[48 + 16] & 0xFF).isEqualTo(10);
    assertThat(pixels[48 + 32] & 0xFF).isEqualTo(20);
    assertThat(m.mean()[0]).isCloseTo(250f / 255 / 2, org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void aResizedTranslucentPngKeepsItsColoursInsteadOfFadingToBlack() throws Exception {
    BufferedImage faint = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        faint.setRGB(x, y, new Color(200, 100, 50, 10).getRGB()); // alpha is dropped, as served
      }
    }
    BufferedImage opaque = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    fill(opaque, new Color(1, 2, 3));
    byte[] zip =
        TestZips.create()
            .add("a/1.png", png(opaque))
            .add("a/2.png", png(opaque))
            .add("b/3.png", png(faint))
            .bytes();
    CacheManifest m = run(zip);
    assertThat(m.height()).isEqualTo(4);
    byte[] pixels = Files.readAllBytes(dir.resolve("out/train.u8"));
    int last = 2 * 48;
    for (int i = 0; i < 16; i++) {
      assertThat(pixels[last + i] & 0xFF).isEqualTo(200);
      assertThat(pixels[last + 16 + i] & 0xFF).isEqualTo(100);
      assertThat(pixels[last + 32 + i] & 0xFF).isEqualTo(50);
    }
  }

  @Test
  void anImageFailingOnlyAtDecodeIsSkippedAndTheRestCompacted() throws Exception {
    byte[] third = TestZips.png(6, 6, 3);
    byte[] zip =
        TestZips.create()
            .add("a/1.png", TestZips.png(6, 6, 1))
            .add("a/2.png", TestZips.pngClaiming(6)) // a sound header, then broken pixel data
            .add("a/3.png", third)
            .add("b/4.png", TestZips.png(6, 6, 4))
            .bytes();
    CacheManifest m = run(zip);
    assertThat(m.trainCount()).isEqualTo(3);
    assertThat(m.skipped()).extracting(SkippedFile::file).containsExactly("a/2.png");
    assertThat(m.skipped().get(0).reason()).startsWith("cannot decode");
    assertThat(TensorCache.readLabels(dir.resolve("out/train.labels"), 3)).containsExactly(0, 0, 1);
    byte[] pixels = Files.readAllBytes(dir.resolve("out/train.u8"));
    assertThat(pixels).hasSize(3 * 3 * 36);
    BufferedImage expected = ImageIO.read(new java.io.ByteArrayInputStream(third));
    for (int i = 0; i < 36; i++) {
      int rgb = expected.getRGB(i % 6, i / 6);
      assertThat(pixels[108 + i] & 0xFF).isEqualTo((rgb >> 16) & 0xFF);
      assertThat(pixels[108 + 72 + i] & 0xFF).isEqualTo(rgb & 0xFF);
    }
  }

  @Test
  void aTestClassWithoutTrainFolderIsRefused() throws Exception {
    byte[] zip =
        TestZips.create()
            .add("train/a/1.png", TestZips.png(4, 4, 1))
            .add("train/b/2.png", TestZips.png(4, 4, 2))
            .add("test/c/3.png", TestZips.png(4, 4, 3))
            .bytes();
    assertThatThrownBy(() -> run(zip))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("test class folder 'c' has no matching train folder");
  }

  /**
   * An entry larger than the largest acceptable image (256-pixel sides here: about 4.5 MB) is
   * skipped and reported without being inflated, whatever it declares (up to 4 GB: a zip's 32-bit
   * size field); the rest of the archive is ingested.
   */
  @Test
  void entriesLargerThanTheLargestAcceptedImageAreSkippedUnread() throws Exception {
    long max = new IngestLimits(1000, 10 << 20, 200, 256, 10).maxImageBytes();
    byte[] honest = new byte[(int) max + 1];
    new java.util.Random(3).nextBytes(honest); // incompressible: within the ratio limit
    byte[] zip =
        TestZips.create()
            .add("a/1.png", TestZips.png(6, 6, 1))
            .add("b/2.png", TestZips.png(6, 6, 2))
            .add("b/honest.png", honest)
            .add("b/claims-4gb.png", TestZips.png(6, 6, 3))
            .bytes();
    // a small valid image whose header claims almost 4 GB: used to be inflated anyway
    zip = TestZips.forgeDeclaredSize(zip, "b/claims-4gb.png", 0xFFFFFFF0);
    CacheManifest m = run(zip);
    assertThat(m.trainPerClass()).containsExactly(1, 1);
    assertThat(m.skipped())
        .extracting(SkippedFile::file)
        .containsExactlyInAnyOrder("b/honest.png", "b/claims-4gb.png");
    assertThat(m.skipped())
        .allSatisfy(
            f ->
                assertThat(f.reason())
                    .contains("larger than the largest image accepted")
                    .contains("not inflated"));
  }

  private CacheManifest run(byte[] zip) throws Exception {
    Path file = dir.resolve("upload.zip");
    Files.write(file, zip);
    Path out = Files.createDirectories(dir.resolve("out"));
    try (ZipPlan plan = ingest.plan(file)) {
      return ingest.ingest(plan, out, p -> {});
    }
  }

  private static void fill(BufferedImage img, Color color) {
    var g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.dispose();
  }

  private static byte[] png(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
