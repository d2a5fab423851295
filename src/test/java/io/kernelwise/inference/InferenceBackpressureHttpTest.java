package io.kernelwise.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Response;
import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.NewModel;
import io.kernelwise.models.ServingFixtures;
import io.kernelwise.network.NetworkFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A full queue answers 503 at once: one worker, no batching, room for two waiting images, and a
 * deliberately slow model (256x256 input, two 64-filter convs: about 2.5 GMACs per image).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kernelwise.inference.batching=false",
      "kernelwise.inference.workers-per-model=1",
      "kernelwise.inference.queue-capacity=2"
    })
class InferenceBackpressureHttpTest {
  static final String SLOW_SPEC =
      """
      {"name": "slow", "input": {"channels": 3, "height": 256, "width": 256}, "classes": 10,
       "layers": [{"type": "conv", "filters": 64, "kernel": 3, "activation": "relu"},
                  {"type": "conv", "filters": 64, "kernel": 3, "activation": "relu"},
                  {"type": "globalAvgPool"}, {"type": "dense", "units": 10}]}
      """;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", ServingFixtures::newDataDir);
  }

  @LocalServerPort int port;
  @Autowired ModelRegistry registry;
  @Autowired NetworkFactory networks;

  @Test
  void aFullQueueAnswers503AtOnceAndTheRestSucceed(@TempDir Path tmp) throws Exception {
    String id =
        registry.register(
            new NewModel(
                "slow",
                null,
                null,
                null,
                SLOW_SPEC,
                ServingFixtures.CIFAR_CLASSES,
                3,
                256,
                256,
                ServingFixtures.CIFAR_MEAN,
                ServingFixtures.CIFAR_STD,
                Map.of(),
                ServingFixtures.parameters(networks, SLOW_SPEC, tmp, 1)));
    HttpJson api = HttpJson.local(port);
    String url = "/api/v1/models/" + id + "/predict";
    byte[] jpeg = ServingFixtures.cifarTestImages(1).get(0).bytes();
    assertThat(api.post(url, "image/jpeg", jpeg).status()).isEqualTo(200); // loads it

    List<CompletableFuture<Response>> answers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      answers.add(api.request("POST", url).body("image/jpeg", jpeg).sendAsync());
    }
    int ok = 0;
    int busy = 0;
    for (var answer : answers) {
      Response r = answer.join();
      if (r.status() == 503) {
        busy++;
        assertThat(r.text()).contains("\"title\":\"Busy\"").contains("queue-capacity");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
      } else {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        ok++;
      }
    }
    assertThat(busy).as("requests refused by the full queue").isGreaterThan(0);
    assertThat(ok).as("requests served").isGreaterThanOrEqualTo(1);
    assertThat(api.post(url, "image/jpeg", jpeg).status()).isEqualTo(200);
  }
}
