package io.kernelwise.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's files keep to the CSP the service sends ({@code script-src 'self'; style-src
 * 'self'}: no inline script, style or handler) and load nothing from another origin.
 */
class StaticFilesTest {
  static final Path STATIC = Path.of("src/main/resources/static");
  static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>");
  static final Pattern INLINE_STYLE = Pattern.compile("<style\\b|\\sstyle\\s*=");
  static final Pattern HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
  static final Pattern REMOTE = Pattern.compile("(?:src|href)\\s*=\\s*\"(?:https?:)?//");

  @Test
  void htmlHasNoInlineScriptStyleOrHandlerAndNoRemoteResource() throws IOException {
    List<Path> pages = files(".html");
    assertThat(pages).isNotEmpty();
    for (Path page : pages) {
      String html = Files.readString(page);
      assertThat(INLINE_SCRIPT.matcher(html).find()).as("inline <script> in %s", page).isFalse();
      assertThat(INLINE_STYLE.matcher(html).find()).as("inline style in %s", page).isFalse();
      assertThat(HANDLER.matcher(html).find()).as("on...= handler in %s", page).isFalse();
      assertThat(REMOTE.matcher(html).find()).as("remote resource in %s", page).isFalse();
    }
  }

  @Test
  void scriptsNeitherEvalNorWriteHtmlNorFetchElsewhere() throws IOException {
    for (Path script : files(".js")) {
      String js = Files.readString(script);
      assertThat(js).as(script.toString()).doesNotContain("eval(", "new Function", "innerHTML");
      assertThat(js).as(script.toString()).doesNotContainPattern("['\"`]https?://");
      assertThat(js).as("inline style attribute set in %s", script).doesNotContain("'style',");
    }
  }

  private static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> all = Files.walk(STATIC)) {
      return all.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }
}
