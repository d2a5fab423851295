package io.kernelwise.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/** What the first load of / cost, from Chromium's Navigation and Resource Timing; and console. */
final class PageLoad {
  private PageLoad() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> measure(Browser browser) {
    return (Map<String, Object>)
        browser.js(
            """
            const nav = performance.getEntriesByType('navigation')[0];
            const res = performance.getEntriesByType('resource');
            const api = (r) => r.name.includes('/api/');
            const sum = (list, k) => list.reduce((s, r) => s + (r[k] || 0), 0);
            const ready = performance.getEntriesByName('kw-ready')[0];
            const statics = res.filter((r) => !api(r));
            return {
              staticTransferBytes: nav.transferSize + sum(statics, 'transferSize'),
              staticBodyBytes: nav.encodedBodySize + sum(statics, 'encodedBodySize'),
              staticFiles: 1 + statics.length,
              apiTransferBytes: sum(res.filter(api), 'transferSize'),
              apiCalls: res.filter(api).length,
              domInteractiveMs: Math.round(nav.domInteractive),
              domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd),
              loadMs: Math.round(nav.loadEventEnd),
              firstScreenReadyMs: ready ? Math.round(ready.startTime) : -1,
              files: statics.map((r) => r.name.replace(location.origin, '') + ' ' + r.transferSize)
                .join(', '),
            };""");
  }

  /** Measures and appends the figures, under a heading, to {@code file} (and the test output). */
  static Map<String, Object> record(Browser browser, Path file, String heading) throws IOException {
    Map<String, Object> m = measure(browser);
    String text =
        "## "
            + heading
            + "\n"
            + m.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n"))
            + "\n\n";
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    System.out.print(text);
    return m;
  }

  /** Script errors and CSP violations the browser logged (failed API calls are expected). */
  static List<String> consoleProblems(Browser browser) {
    return browser.driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(
            m ->
                m.contains("Content Security Policy")
                    || m.contains("Uncaught")
                    || m.contains("Error:")
                        && !m.contains("Failed to load resource")
                        && !m.contains("the server responded"))
        .toList();
  }
}
