package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kernelwise.MigratedH2;
import io.kernelwise.security.SecuritySlice;
import io.kernelwise.system.KernelwiseProperties;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Bad specs get a 400 problem+json naming the field, and nothing is stored: the controller and the
 * real {@link ArchitectureService} on a migrated in-memory table, behind the security chain.
 */
@WebMvcTest(ArchitectureController.class)
@Import({ArchitectureService.class, ArchitectureControllerTest.Config.class, SecuritySlice.class})
class ArchitectureControllerTest {

  @TestConfiguration
  @EnableConfigurationProperties(KernelwiseProperties.class)
  static class Config {
    @Bean
    Clock clock() {
      return Clock.systemUTC();
    }

    @Bean
    ArchitectureRepository architectureRepository() {
      return new ArchitectureRepository(
          JdbcClient.create(MigratedH2.create("architectures-slice")));
    }
  }

  @Autowired MockMvc mvc;
  @Autowired ArchitectureRepository repository;

  static String net(String layers) {
    return net(3, 32, 32, layers);
  }

  static String net(int c, int h, int w, String layers) {
    return "{\"name\":\"t\",\"input\":{\"channels\":"
        + c
        + ",\"height\":"
        + h
        + ",\"width\":"
        + w
        + "},\"classes\":10,\"layers\":["
        + layers
        + "]}";
  }

  static String nest(String type, int levels, String inner) {
    String s = inner;
    for (int i = 0; i < levels; i++) {
      s =
          "{\"type\":\""
              + type
              + "\","
              + (type.equals("repeat") ? "\"times\":100," : "")
              + "\"layers\":["
              + s
              + "]}";
    }
    return s;
  }

  static Stream<Arguments> badSpecs() {
    String conv = "{\"type\":\"conv\",\"filters\":8,\"kernel\":3";
    return Stream.of(
        Arguments.of("unknown type", net("{\"type\":\"warp\"}"), "layers[0].type", "unknown"),
        Arguments.of("unknown field", net(conv + ",\"colour\":1}"), "layers[0].colour", "unknown"),
        Arguments.of(
            "wrong JSON type",
            net("{\"type\":\"conv\",\"filters\":\"8\",\"kernel\":3}"),
            "layers[0].filters",
            "integer"),
        Arguments.of(
            "missing field",
            net("{\"type\":\"conv\",\"filters\":8}"),
            "layers[0].kernel",
            "required"),
        Arguments.of(
            "bad padding", net(conv + ",\"padding\":\"full\"}"), "layers[0].padding", "same"),
        Arguments.of(
            "groups not dividing", net(conv + ",\"groups\":2}"), "layers[0].groups", "divide"),
        Arguments.of(
            "groups inside residual",
            net(
                "{\"type\":\"residual\",\"layers\":[{\"type\":\"conv\",\"filters\":8,\"kernel\":1},"
                    + conv
                    + ",\"groups\":3}]}"),
            "layers[0].layers[1].groups",
            "divide"),
        Arguments.of(
            "kernel bigger than input",
            net("{\"type\":\"conv\",\"filters\":8,\"kernel\":40,\"padding\":\"valid\"}"),
            "layers[0].kernel",
            "larger"),
        Arguments.of(
            "shape to zero",
            net("{\"type\":\"repeat\",\"times\":6,\"layers\":[{\"type\":\"maxPool\",\"size\":2}]}"),
            "layers[0].layers[0].size",
            "zero"),
        Arguments.of(
            "identity residual mismatch",
            net("{\"type\":\"residual\",\"shortcut\":\"identity\",\"layers\":[" + conv + "}]}"),
            "layers[0].shortcut",
            "identity"),
        Arguments.of(
            "conv after flatten", net("{\"type\":\"flatten\"}," + conv + "}"), "layers[1]", "flat"),
        Arguments.of(
            "limit max-layers",
            net(nest("repeat", 2, "{\"type\":\"batchNorm\"}")),
            "layers",
            "kernelwise.limits.max-layers"),
        Arguments.of(
            "limit max-depth",
            net(nest("residual", 9, "{\"type\":\"batchNorm\"}")),
            "layers[0].layers[0].layers[0].layers[0].layers[0].layers[0].layers[0].layers[0].layers",
            "kernelwise.limits.max-depth"),
        Arguments.of(
            "limit max-repeat",
            net("{\"type\":\"repeat\",\"times\":1000000000,\"layers\":[{\"type\":\"batchNorm\"}]}"),
            "layers[0].times",
            "kernelwise.limits.max-repeat"),
        Arguments.of(
            "limit max-parameters",
            net(
                "{\"type\":\"repeat\",\"times\":13,\"layers\":[{\"type\":\"dense\",\"units\":4096}]}"),
            "layers[0].layers[0]",
            "kernelwise.limits.max-parameters"),
        Arguments.of(
            "limit max-macs",
            net(
                3,
                1024,
                1024,
                "{\"type\":\"conv\",\"filters\":64,\"kernel\":3},"
                    + "{\"type\":\"conv\",\"filters\":256,\"kernel\":3}"),
            "layers[1]",
            "kernelwise.limits.max-macs"),
        Arguments.of(
            "limit max-input-pixels",
            net(3, 2048, 2048, conv + "}"),
            "input",
            "kernelwise.limits.max-input-pixels"),
        Arguments.of(
            "limit max-channels",
            net("{\"type\":\"conv\",\"filters\":1000000,\"kernel\":3}"),
            "layers[0].filters",
            "kernelwise.limits.max-channels"),
        Arguments.of(
            "limit max-spec-size",
            net(String.join(",", java.util.Collections.nCopies(70_000, "{\"type\":\"flatten\"}"))),
            "body",
            "kernelwise.limits.max-spec-size"),
        Arguments.of("malformed JSON", "{\"name\": \"t\", \"layers\": [", "body", "not valid JSON"),
        Arguments.of("not an object", "[1, 2]", "body", "object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void badSpecIsA400NamingTheFieldAndStoresNothing(
      String name, String body, String field, String message) throws Exception {
    long before = repository.count();
    for (String path : new String[] {"/api/v1/architectures", "/api/v1/architectures/analyze"}) {
      mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body))
          .andExpect(status().isBadRequest())
          .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.status").value(400))
          .andExpect(jsonPath("$.errors[*].field", hasItem(field)))
          .andExpect(jsonPath("$.detail", containsString(message)));
    }
    assertThat(repository.count()).isEqualTo(before);
  }

  @Test
  void analyzeAnswersWithoutStoring() throws Exception {
    long before = repository.count();
    mvc.perform(
            post("/api/v1/architectures/analyze")
                .contentType(MediaType.APPLICATION_JSON)
                .content(ArchitectureController.SEED_3X3))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.analysis.parameters.trainable").value(2168362))
        .andExpect(jsonPath("$.analysis.macs").value(26579968))
        .andExpect(jsonPath("$.spec.layers[0].padding").value("same"));
    assertThat(repository.count()).isEqualTo(before);
  }

  @Test
  void createStoresAndAnswers201WithLocation() throws Exception {
    long before = repository.count();
    mvc.perform(
            post("/api/v1/architectures")
                .contentType(MediaType.APPLICATION_JSON)
                .content(ArchitectureController.SEED_3X3))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", containsString("/api/v1/architectures/")))
        .andExpect(jsonPath("$.analysis.parameters.total").value(2168362));
    assertThat(repository.count()).isEqualTo(before + 1);
  }
}
