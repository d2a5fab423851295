package io.kernelwise.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (both named explicitly, so Selenium
 * Manager never tries to download a browser or a driver), with waits and screenshots.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

  final ChromeDriver driver;
  private final ChromeDriverService service;

  /** Why there is no browser to test with, or empty when there is one. */
  static Optional<String> missing() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      return Optional.of(
          "no "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (apt-get install chromium chromium-driver)");
    }
    return Optional.empty();
  }

  Browser(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-extensions",
        "--window-size=1366,900",
        "--user-data-dir=" + profile.toAbsolutePath());
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File("target/chromedriver.log"))
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits until the condition holds (non-null, non-false), failing with what it waited for. */
  <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
    wait.withMessage(what);
    return wait.until(condition);
  }

  <T> T await(String what, Function<WebDriver, T> condition) {
    return await(what, Duration.ofSeconds(30), condition);
  }

  WebElement visible(String css) {
    return await(
        css + " visible",
        d -> {
          List<WebElement> found = d.findElements(By.cssSelector(css));
          return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Sets a field's value the way typing does (an input event), without typing every key. */
  void type(String css, String value) {
    js(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1];"
            + " e.dispatchEvent(new Event('input', {bubbles: true}));"
            + " e.dispatchEvent(new Event('change', {bubbles: true}));",
        css,
        value);
  }

  void click(String css) {
    visible(css).click();
  }

  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      // the whole page, not only the viewport: grow the window to the page for the shot
      Dimension before = driver.manage().window().getSize();
      long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
      driver
          .manage()
          .window()
          .setSize(new Dimension(before.width, (int) Math.min(2400, height + 140)));
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      driver.manage().window().setSize(before);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
