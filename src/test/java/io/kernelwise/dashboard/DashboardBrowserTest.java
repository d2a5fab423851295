package io.kernelwise.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kernelwise.HttpJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium against the real service: analyse a preset, see a layer
 * named by a validation error, derive variants, upload a dataset, train one tiny job while its
 * curve fills in from the event stream, classify an image, and chart an experiment. Each screen is
 * saved under target/dashboard-screenshots; the first load's weight and timing under
 * target/dashboard-load.txt (measured, not asserted on time).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserTest {
  static final Path LOAD = Path.of("target", "dashboard-load.txt");

  @TempDir static Path dataDir;
  @TempDir Path work;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.training.step-metrics-every", () -> "1");
    registry.add("kernelwise.training.poll-interval", () -> "200ms");
    registry.add("kernelwise.training.cancel-poll-interval", () -> "100ms");
  }

  @LocalServerPort int port;

  /** The bootstrap admin key of the test configuration; empty where security is off. */
  @Value("${kernelwise.security.admin-key:}")
  String adminKey;

  Browser browser;

  @BeforeEach
  void open() {
    Browser.missing().ifPresent(why -> assumeTrue(false, "browser tests skipped: " + why));
    browser = new Browser(work.resolve("profile"));
  }

  @AfterEach
  void close() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void analyseDeriveUploadTrainClassifyCompare() throws Exception {
    try {
      journey();
    } catch (Throwable e) {
      browser.screenshot("failure");
      System.out.println("page at the failure:\n" + browser.find("body").getText());
      PageLoad.consoleProblems(browser).forEach(System.out::println);
      throw e;
    }
  }

  private void journey() throws Exception {
    Path zip = TinyImages.datasetZip(work.resolve("tiny-cifar.zip"));
    Path image = TinyImages.png(work.resolve("cat.png"), 3);
    Path notAZip = Files.writeString(work.resolve("notes.zip"), "not a zip at all");

    Files.deleteIfExists(LOAD);
    browser.driver.get("http://127.0.0.1:" + port + "/");
    if (securityOn()) {
      browser.await("asked for a key", d -> text("#banner").contains("API key"));
      useKey(adminKey, "admin");
    }
    browser.await("the first preset's layer table", d -> rows("#layer-table tbody tr") > 5);
    Map<String, Object> first =
        PageLoad.record(browser, LOAD, "first load: empty cache, cold server");
    assertThat(((Number) first.get("staticTransferBytes")).longValue())
        .as("page weight of /")
        .isLessThan(300_000);

    // Architectures: a preset's layer table, a live validation error at the layer it names
    presetButton("seed-5x5").click();
    browser.await("seed-5x5 opened", d -> text("#arch-title").startsWith("seed-5x5"));
    assertThat(text("#arch-totals")).contains("Trainable parameters");
    assertThat(browser.all("#layer-table tbody tr.costly"))
        .as("costly layers stand out")
        .isNotEmpty();
    // 32 input channels of layers[2] cannot be split into 7 groups
    String bad =
        (String)
            browser.js(
                "const s = JSON.parse(document.querySelector('#spec-editor').value);"
                    + " s.layers[2].groups = 7; return JSON.stringify(s, null, 2);");
    browser.type("#spec-editor", bad);
    WebElement error =
        browser.await(
            "an error at layers[2]",
            d ->
                d
                    .findElements(By.cssSelector("#spec-error-list li[data-layer='layers[2]']"))
                    .stream()
                    .findFirst()
                    .orElse(null));
    assertThat(error.getText()).contains("layers[2].groups").contains("conv");
    error.findElement(By.tagName("button")).click();
    long start = ((Number) browser.js("return document.activeElement.selectionStart")).longValue();
    long end = ((Number) browser.js("return document.activeElement.selectionEnd")).longValue();
    assertThat(bad.substring((int) start, (int) end))
        .as("the editor selects the layer")
        .startsWith("{")
        .contains("\"groups\": 7");
    browser.screenshot("architectures-error");
    presetButton("seed-5x5").click();
    browser.await("valid again", d -> browser.all("#spec-error-list").isEmpty());

    // Variants of the preset, one click (stores the base first)
    browser.click("#variants-create");
    browser.await("variants side by side", d -> browser.find("#variants-table").isDisplayed());
    List<WebElement> heads = browser.all("#variants-table thead th");
    assertThat(heads).hasSize(4); // label column, base, factorize, depthwise separable
    assertThat(text("#variants-table tbody")).contains("factorize").contains("×0.");
    browser.screenshot("architectures");

    // Training: a bad upload degrades clearly, then the tiny dataset with its samples
    browser.click("#tab-training");
    browser.visible("#dataset-file").sendKeys(notAZip.toString());
    browser.click("#dataset-upload");
    browser.await("a 400 shown", d -> text("#dataset-form-problem").startsWith("400"));
    browser.find("#dataset-file").sendKeys(zip.toString());
    browser.type("#dataset-name", "tiny-cifar");
    browser.click("#dataset-upload");
    browser.await("READY", d -> text("#dataset-upload-status").contains("READY"));
    browser.await("sample images", d -> browser.all("#sample-grid img").size() >= 10);
    assertThat(text("#class-table")).contains("airplane").contains("truck");

    // One tiny job from the form, watched live
    new Select(browser.find("#job-architecture")).selectByValue("preset:seed-3x3");
    new Select(browser.find("#job-dataset")).selectByVisibleText("tiny-cifar (10 classes)");
    browser.type("#hp-epochs", "1");
    browser.type("#hp-batchSize", "16");
    browser.click("#job-submit");
    browser.await(
        "the curve gets points",
        Duration.ofMinutes(3),
        d -> Integer.parseInt(browser.find("#job-detail").getAttribute("data-points")) > 0);
    browser.await(
        "the job succeeds",
        Duration.ofMinutes(3),
        d -> "SUCCEEDED".equals(browser.find("#job-detail").getAttribute("data-state")));
    assertThat(Integer.parseInt(browser.find("#job-detail").getAttribute("data-points")))
        .as("5 steps and 1 epoch")
        .isGreaterThanOrEqualTo(6);
    assertThat(browser.all("#chart-loss canvas")).isNotEmpty();
    assertThat(rows("#epoch-table tbody tr")).isEqualTo(1);
    browser.screenshot("training");
    // the form's defaults are what the service applied to everything the form left alone
    String jobId = browser.find("#job-table tbody tr[data-job]").getAttribute("data-job");
    JsonNode applied = api().getJson("/api/v1/jobs/" + jobId).get("hyperparameters");
    JsonNode defaults = api().getJson("/api/v1/dashboard/job-defaults").get("hyperparameters");
    assertThat(applied.get("epochs").asInt()).isEqualTo(1);
    assertThat(applied.get("batchSize").asInt()).isEqualTo(16);
    for (String field :
        List.of("optimizer", "schedule", "augmentation", "validationSplit", "seed")) {
      assertThat(applied.get(field)).as(field).isEqualTo(defaults.get(field));
    }

    // Models: classify a picked image
    browser.click("#tab-models");
    browser.await("a model", d -> rows("#model-table tbody tr[data-model]") == 1);
    browser.find("#model-table tbody tr[data-model] button").click();
    browser.visible("#classify-file").sendKeys(image.toString());
    browser.await("top-5 labels", d -> rows("#predictions li") == 5);
    assertThat(TinyImages.CLASSES).contains(text("#predictions li .label"));
    assertThat(text("#predictions")).contains("%");
    browser.screenshot("models");

    // Experiments: the base and its factorized variant, one epoch each, charted
    browser.click("#tab-experiments");
    browser.await("stored architectures to pick", d -> rows("#exp-archs input") >= 3);
    for (WebElement box : browser.all("#exp-archs input")) {
      String label = box.findElement(By.xpath("..")).getText();
      if (label.startsWith("seed-5x5 (") || label.startsWith("seed-5x5-factorize")) {
        box.click();
      }
    }
    new Select(browser.find("#exp-dataset")).selectByVisibleText("tiny-cifar (10 classes)");
    browser.type("#exp-epochs", "1");
    browser.type("#exp-batch", "16");
    browser.click("#exp-submit");
    browser.await(
        "the experiment ends",
        Duration.ofMinutes(4),
        d -> "SUCCEEDED".equals(browser.find("#exp-detail").getAttribute("data-state")));
    assertThat(rows("#exp-results tbody tr")).isEqualTo(2);
    for (String chart : List.of("#exp-chart-epochs", "#exp-chart-params", "#exp-chart-macs")) {
      assertThat(browser.all(chart + " canvas")).as(chart).isNotEmpty();
    }
    assertThat(text("#exp-results")).contains("factorize");
    browser.screenshot("experiments");

    assertThat(PageLoad.consoleProblems(browser)).as("script errors or CSP violations").isEmpty();

    // what a new visitor gets from a warmed-up service: five loads with an empty cache
    for (int i = 1; i <= 5; i++) {
      browser.driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
      browser.driver.get("http://127.0.0.1:" + port + "/");
      browser.await("the first preset's layer table", d -> rows("#layer-table tbody tr") > 5);
      PageLoad.record(browser, LOAD, "load " + i + " with an empty cache, warm server");
    }
  }

  @Test
  void aReaderSeesNoButtonItCannotUse() {
    assumeTrue(securityOn(), "security is off in this configuration");
    String key =
        api()
            .postJson("/api/v1/keys", "{\"name\":\"dashboard-reader\",\"role\":\"reader\"}", 201)
            .get("key")
            .asString();
    browser.driver.get("http://127.0.0.1:" + port + "/");
    browser.await("asked for a key", d -> text("#banner").contains("API key"));
    assertThat(browser.find("#arch-save").isDisplayed()).isFalse();

    useKey("kw-not-a-key-of-this-service-0123456789", null);
    browser.await("a refused key said so", d -> text("#banner").contains("refused"));
    browser.click("#key-forget");
    useKey(key, "reader");
    browser.await("presets readable", d -> rows("#layer-table tbody tr") > 5);
    for (String hidden : List.of("#arch-save", "#arch-delete", "#variants-form")) {
      assertThat(browser.find(hidden).isDisplayed()).as(hidden).isFalse();
    }
    browser.click("#tab-training");
    browser.visible("#job-form-readonly");
    for (String hidden : List.of("#job-form", "#dataset-form")) {
      assertThat(browser.find(hidden).isDisplayed()).as(hidden).isFalse();
    }
    browser.await("datasets readable", d -> rows("#dataset-table tbody tr") >= 3);
    browser.screenshot("reader");
    browser.click("#tab-experiments");
    assertThat(browser.find("#exp-form").isDisplayed()).isFalse();
    browser.click("#tab-models");
    assertThat(browser.find("#import-form").isDisplayed()).isFalse();
    assertThat(browser.all("#model-table button.danger")).as("no Delete for a reader").isEmpty();
  }

  /** The one HTTP test helper: it sends whatever key the test configuration needs. */
  private HttpJson api() {
    return HttpJson.local(port);
  }

  /** The test configuration has a bootstrap admin key, and the service has keys (not a 404). */
  private boolean securityOn() {
    if (adminKey.isEmpty()) {
      return false;
    }
    var me = api().get("/api/v1/keys/me");
    return me.status() == 200 && me.text().contains("\"securityEnabled\":true");
  }

  /** Pastes a key into the page's key form; waits for the role it should show, if any. */
  private void useKey(String key, String role) {
    browser.visible("#key-input").sendKeys(key);
    browser.find("#key-form button[type=submit]").click();
    if (role != null) {
      browser.await("role " + role, d -> text("#who").contains(role));
    }
  }

  private WebElement presetButton(String name) {
    return browser.await(
        "preset " + name,
        d ->
            d.findElements(By.cssSelector("#preset-list button")).stream()
                .filter(b -> name.equals(b.getAttribute("data-key")))
                .findFirst()
                .orElse(null));
  }

  private String text(String css) {
    List<WebElement> found = browser.all(css);
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  private int rows(String css) {
    return browser.all(css).size();
  }
}
