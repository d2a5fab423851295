package io.kernelwise.oip;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.NewModel;
import io.kernelwise.models.ServingFixtures;
import io.kernelwise.network.NetworkFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v2} infer shares {@code /predict}'s queue: when it is full the answer is 503 at once, in
 * the protocol's error shape. One worker, no batching, room for two waiting images, and a slow
 * model (256x256 input, two 64-filter convs: about 2.5 GMACs per image).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kernelwise.inference.batching=false",
      "kernelwise.inference.workers-per-model=1",
      "kernelwise.inference.queue-capacity=2"
    })
class OipBackpressureHttpTest {
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
  void aFullQueueAnswers503InTheProtocolsShape(@TempDir Path tmp) throws Exception {
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
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", png);
    String body =
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
            + Base64.getEncoder().encodeToString(png.toByteArray())
            + "\"]}]}";
    HttpJson http = HttpJson.local(port);
    String path = "/v2/models/" + id + "/infer";
    assertThat(http.request("POST", path).json(body).send().status())
        .isEqualTo(200); // loads the model

    List<CompletableFuture<HttpJson.Response>> answers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      answers.add(http.request("POST", path).json(body).sendAsync());
    }
    int ok = 0;
    int busy = 0;
    for (var answer : answers) {
      HttpJson.Response r = answer.join();
      if (r.status() == 503) {
        busy++;
        var error = JsonMapper.shared().readTree(r.body());
        OipSchemas.assertError("inference_error_response", error);
        assertThat(error.path("error").asString()).contains("queue-capacity");
      } else {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        OipSchemas.assertValid("inference_response", JsonMapper.shared().readTree(r.body()));
        ok++;
      }
    }
    assertThat(busy).as("requests refused by the full queue").isGreaterThan(0);
    assertThat(ok).as("requests served").isGreaterThanOrEqualTo(1);
  }
}
