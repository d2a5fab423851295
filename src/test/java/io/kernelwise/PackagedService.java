package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged jar as a process, for the failsafe ITs: started with its output in a log file, and
 * waited for until its readiness probe answers. The jar is {@code kernelwise.jar} (set by the pom)
 * or {@code target/kernelwise.jar}; the caller keeps the process and destroys it.
 */
final class PackagedService {
  // a bound, not a timing assumption: on a loaded 2-core machine the jar takes minutes to start
  private static final Duration READY_WITHIN = Duration.ofMinutes(6);

  private PackagedService() {}

  /**
   * Starts {@code java -Xmx<maxHeap> -jar <jar> <args>} with {@code env} added to its environment
   * and stdout and stderr going to {@code log}.
   */
  static Process start(String maxHeap, Path log, Map<String, String> env, List<String> args)
      throws IOException {
    String jar = System.getProperty("kernelwise.jar", "target/kernelwise.jar");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-Dai.djl.offline=true");
    command.add("-jar");
    command.add(jar);
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Waits until the service on {@code port} is ready; fails if it exits or takes too long. */
  static void awaitReady(Process p, int port, String name, Path log) throws InterruptedException {
    // open, and probed as a platform does: without a key
    HttpJson probe = HttpJson.local(port).withoutHeader("Authorization");
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as(name + " alive, see " + log).isTrue();
      try {
        if (probe.get("/actuator/health/readiness").status() == 200) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(name + " did not become ready");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
