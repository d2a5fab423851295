package io.kernelwise.system;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last check on what an error tells a client: no Java class names ({@code java.lang.Integer},
 * {@code tools.jackson...}), no Jackson features or limit getters, no absolute paths of this
 * machine (the data directory is shown as {@code <data-dir>}). Messages are written in the API's
 * terms where they are made; this catches what a library's message carries through.
 */
public final class SafeText {
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\b(?:java|javax|jakarta|sun|jdk|com\\.sun|tools\\.jackson|com\\.fasterxml"
              + "|org\\.springframework|org\\.apache|org\\.h2|org\\.postgresql|ai\\.djl"
              + "|io\\.kernelwise)(?:\\.[A-Za-z_$][\\w$]*)+(?:\\(\\))?(?::\\s*)?");
  private static final Pattern FEATURE =
      Pattern.compile(
          "\\b(?:[A-Z][A-Za-z]*(?:Feature|Constraints|Exception)|CoercionConfig)\\b"
              + "(?:\\.[A-Za-z_]\\w*(?:\\(\\))?)*");

  private SafeText() {}

  /** {@link #scrub(String, Map)} with no machine paths to hide. */
  public static String scrub(String text) {
    return scrub(text, Map.of());
  }

  /**
   * {@code text} without class names and features, each of {@code paths} (absolute directory ->
   * what to show instead, e.g. {@code <data-dir>}) replaced.
   */
  public static String scrub(String text, Map<String, String> paths) {
    if (text == null) {
      return null;
    }
    String t = text;
    for (Map.Entry<String, String> p : paths.entrySet()) {
      if (!p.getKey().isEmpty() && !p.getKey().equals("/")) {
        t = t.replace(p.getKey(), p.getValue());
      }
    }
    t = CLASS_NAME.matcher(t).replaceAll("");
    t = FEATURE.matcher(t).replaceAll("");
    return t.replace("`", "'");
  }

  /**
   * The directories to hide, longest first (a data directory under the working directory is shown
   * as {@code <data-dir>}, not {@code <work-dir>/...}).
   */
  public static Map<String, String> machinePaths(Path dataDir) {
    List<String[]> entries = new ArrayList<>();
    if (dataDir != null) {
      entries.add(new String[] {abs(dataDir), "<data-dir>"});
    }
    entries.add(new String[] {abs(Path.of(System.getProperty("java.io.tmpdir"))), "<tmp>"});
    entries.add(new String[] {abs(Path.of(System.getProperty("user.dir"))), "<work-dir>"});
    entries.add(new String[] {abs(Path.of(System.getProperty("user.home"))), "~"});
    entries.sort((a, b) -> Integer.compare(b[0].length(), a[0].length()));
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] e : entries) {
      out.putIfAbsent(e[0], e[1]);
    }
    return out;
  }

  private static String abs(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }

  /** Whether {@code text} still names code: for tests and assertions. */
  public static boolean namesCode(String text) {
    Matcher m = CLASS_NAME.matcher(text);
    return m.find() || FEATURE.matcher(text).find() || text.contains("`");
  }
}
