package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.system.ApiException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Validation and limits of the pure analyzer: paths named, absurd specs rejected cheaply. */
class AnalyzerValidationTest {
  private final SpecParser parser = new SpecParser(8);
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());
  private final JsonMapper json = JsonMapper.shared();

  private ApiException reject(String spec) {
    JsonNode node = json.readTree(spec);
    try {
      analyzer.analyze(parser.parse(node, ""));
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted " + spec);
  }

  private static String net(String layers) {
    return "{\"name\":\"t\",\"input\":{\"channels\":3,\"height\":32,\"width\":32},"
        + "\"classes\":10,\"layers\":["
        + layers
        + "]}";
  }

  @Test
  void parserCollectsEveryProblemWithItsPath() {
    ApiException e =
        reject(
            net(
                "{\"type\":\"conv\",\"filters\":\"8\",\"kernel\":3},"
                    + "{\"type\":\"residual\",\"layers\":[{\"type\":\"conv\",\"filters\":8,"
                    + "\"kernel\":[3],\"color\":1},{\"type\":\"warp\"}]},"
                    + "{\"type\":\"conv\",\"kernel\":3,\"padding\":\"full\"}"));
    assertThat(e.errors())
        .extracting(p -> p.field())
        .containsExactlyInAnyOrder(
            "layers[0].filters",
            "layers[1].layers[0].kernel",
            "layers[1].layers[0].color",
            "layers[1].layers[1].type",
            "layers[2].filters",
            "layers[2].padding");
  }

  @Test
  void shapeProblemsNameTheField() {
    assertThat(reject(net("{\"type\":\"conv\",\"filters\":8,\"kernel\":3,\"groups\":2}")).errors())
        .extracting(p -> p.field())
        .containsExactly("layers[0].groups");
    assertThat(
            reject(net("{\"type\":\"conv\",\"filters\":8,\"kernel\":33,\"padding\":0}")).errors())
        .extracting(p -> p.field())
        .containsExactly("layers[0].kernel");
    assertThat(
            reject(
                    net(
                        "{\"type\":\"repeat\",\"times\":6,\"layers\":[{\"type\":\"maxPool\","
                            + "\"size\":2}]}"))
                .errors()
                .get(0))
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("layers[0].layers[0].size");
              assertThat(p.message()).contains("zero");
            });
    assertThat(
            reject(net("{\"type\":\"flatten\"},{\"type\":\"conv\",\"filters\":8,\"kernel\":1}"))
                .errors())
        .extracting(p -> p.field())
        .containsExactly("layers[1]");
    assertThat(
            reject(
                    net(
                        "{\"type\":\"residual\",\"shortcut\":\"identity\",\"layers\":[{\"type\":"
                            + "\"conv\",\"filters\":8,\"kernel\":3}]}"))
                .errors())
        .extracting(p -> p.field())
        .containsExactly("layers[0].shortcut");
    // auto shortcut whose 1x1 stride conv cannot produce a 32 -> 30 body
    assertThat(
            reject(
                    net(
                        "{\"type\":\"residual\",\"layers\":[{\"type\":\"conv\",\"filters\":8,"
                            + "\"kernel\":3,\"padding\":\"valid\"}]}"))
                .errors())
        .extracting(p -> p.field())
        .containsExactly("layers[0]");
  }

  @Test
  void absurdSpecsAreRejectedBeforeAnyLargeComputation() {
    long start = System.nanoTime();
    assertThat(
            reject(
                    net(
                        "{\"type\":\"repeat\",\"times\":1000000000,\"layers\":[{\"type\":\"batchNorm\"}]}"))
                .errors()
                .get(0)
                .field())
        .isEqualTo("layers[0].times");
    assertThat(
            reject(net("{\"type\":\"conv\",\"filters\":1000000,\"kernel\":3}"))
                .errors()
                .get(0)
                .field())
        .isEqualTo("layers[0].filters");
    String nested = "{\"type\":\"batchNorm\"}";
    for (int i = 0; i < 6; i++) {
      nested = "{\"type\":\"repeat\",\"times\":100,\"layers\":[" + nested + "]}";
    }
    ApiException layers = reject(net(nested));
    assertThat(layers.errors().get(0).field()).isEqualTo("layers");
    assertThat(layers.errors().get(0).message()).contains("kernelwise.limits.max-layers");
    ApiException params =
        reject(
            net(
                "{\"type\":\"repeat\",\"times\":13,\"layers\":[{\"type\":\"dense\","
                    + "\"units\":4096}]}"));
    assertThat(params.errors().get(0).field()).isEqualTo("layers[0].layers[0]");
    assertThat(params.errors().get(0).message()).contains("kernelwise.limits.max-parameters");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(millis).isLessThan(1000);
  }

  @Test
  void resNet50IsExpressibleAndAnalysedInMilliseconds() throws Exception {
    ArchitectureSpec spec;
    try (InputStream in = getClass().getResourceAsStream("/resnet50.json")) {
      spec = parser.parse(json.readTree(in), "");
    }
    long t0 = System.nanoTime();
    Analysis a = analyzer.analyze(spec);
    double firstMs = (System.nanoTime() - t0) / 1e6;
    long t1 = System.nanoTime();
    analyzer.analyze(spec);
    double secondMs = (System.nanoTime() - t1) / 1e6;
    System.out.printf(
        "ResNet-50 analysis: %.2f ms (first call), %.2f ms (warm); %,d trainable, %,d MACs%n",
        firstMs, secondMs, a.parameters().trainable(), a.macs());
    // torchvision's resnet50 has 25,557,032 parameters; kw_torch.py gives the same MACs
    assertThat(a.parameters().trainable()).isEqualTo(25_557_032L);
    assertThat(a.macs()).isEqualTo(4_089_184_256L);
    assertThat(a.outputShape()).isEqualTo(List.of(1000L));
    assertThat(firstMs).isLessThan(500);
  }
}
