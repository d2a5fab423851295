package io.kernelwise.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.ServingFixtures;
import io.kernelwise.network.DjlNetworkFactory;
import io.kernelwise.network.NetworkFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A full queue answers 503 at once: one worker, no batching, room for two waiting requests. The
 * network ends in a gate the test closes, so the worker is held inside a forward pass for exactly
 * as long as the test needs: no timing, no slow model.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kernelwise.inference.batching=false",
      "kernelwise.inference.workers-per-model=1",
      "kernelwise.inference.queue-capacity=2"
    })
class InferenceBackpressureHttpTest {
  static final Duration WAIT = Duration.ofSeconds(60);

  /** Open by default (loading warms the model up); closed, a forward pass waits at it. */
  static final class Gate {
    private volatile CountDownLatch closed;
    final Semaphore entered = new Semaphore(0);

    void close() {
      closed = new CountDownLatch(1);
    }

    void open() {
      CountDownLatch latch = closed;
      closed = null;
      if (latch != null) {
        latch.countDown();
      }
    }

    void pass() {
      CountDownLatch latch = closed;
      if (latch != null) {
        entered.release();
        try {
          latch.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @TestConfiguration
  static class GatedNetworks {
    @Bean
    Gate gate() {
      return new Gate();
    }

    /** The real network, then the gate (no parameters, so saved parameters still fit). */
    @Bean
    @Primary
    NetworkFactory gatedNetworkFactory(DjlNetworkFactory real, Gate gate) {
      return new NetworkFactory() {
        @Override
        public Block build(ArchitectureSpec spec) {
          return new SequentialBlock()
              .add(real.build(spec))
              .add(
                  new LambdaBlock(
                      x -> {
                        gate.pass();
                        return x;
                      }));
        }
      };
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", ServingFixtures::newDataDir);
  }

  @LocalServerPort int port;
  @Autowired ModelRegistry registry;
  @Autowired NetworkFactory networks;
  @Autowired ServedModels served;
  @Autowired Gate gate;

  @Test
  void aFullQueueAnswers503AtOnceAndTheQueuedRequestsSucceed(@TempDir Path tmp) throws Exception {
    String id = ServingFixtures.registerSeedModel(registry, networks, tmp);
    HttpJson api = HttpJson.local(port);
    String url = "/api/v1/models/" + id + "/predict";
    byte[] jpeg = ServingFixtures.cifarTestImages(1).get(0).bytes();
    api.post(url, "image/jpeg", jpeg).expect(200); // loads the model, gate open

    gate.close();
    List<CompletableFuture<Response>> accepted = new ArrayList<>();
    try {
      accepted.add(api.request("POST", url).body("image/jpeg", jpeg).sendAsync());
      assertThat(gate.entered.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("the worker took the first request")
          .isTrue();
      for (int i = 0; i < 2; i++) {
        accepted.add(api.request("POST", url).body("image/jpeg", jpeg).sendAsync());
      }
      awaitQueued(id, 2);

      for (int i = 0; i < 3; i++) {
        Response busy = api.post(url, "image/jpeg", jpeg);
        assertThat(busy.status()).as("%s", busy).isEqualTo(503);
        assertThat(busy.text()).contains("\"title\":\"Busy\"").contains("queue-capacity");
        assertThat(busy.contentType()).contains("problem+json");
      }
      assertThat(accepted).noneMatch(CompletableFuture::isDone);
    } finally {
      gate.open();
    }
    for (CompletableFuture<Response> r : accepted) {
      r.get(WAIT.toSeconds(), TimeUnit.SECONDS).expect(200);
    }
    assertThat(served.get(id).queued()).isZero();
    api.post(url, "image/jpeg", jpeg).expect(200);
  }

  /** Waits for a state (two requests queued behind the held worker), not for time to pass. */
  private void awaitQueued(String id, int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (served.get(id).queued() < n) {
      assertThat(System.nanoTime()).as("%d requests queued", n).isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(served.get(id).queued()).isEqualTo(n);
  }
}
