package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.HttpJson;
import io.kernelwise.HttpJson.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Over real HTTP: presets, create, read, list, summary, variants, delete. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:architecture-journey;MODE=PostgreSQL;"
          + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
      "kernelwise.data-dir=${java.io.tmpdir}/kernelwise-architecture-journey"
    })
class ArchitectureJourneyTest {
  @LocalServerPort int port;
  private final JsonMapper json = JsonMapper.shared();

  private Response send(String method, String path, String body) {
    return HttpJson.local(port).request(method, path).json(body).send();
  }

  @Test
  void createReadListSummaryVariantsDelete() {
    Response presets = send("GET", "/api/v1/architectures/presets", null);
    assertThat(presets.status()).isEqualTo(200);
    JsonNode list = json.readTree(presets.text());
    JsonNode seed5 = null;
    for (JsonNode p : list) {
      if (p.get("name").stringValue().equals("seed-5x5")) {
        seed5 = p.get("spec");
      }
    }
    assertThat(list.size()).isGreaterThanOrEqualTo(6);
    assertThat(seed5).isNotNull();

    Response created = send("POST", "/api/v1/architectures", seed5.toString());
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    JsonNode resource = json.readTree(created.text());
    String id = resource.get("id").stringValue();
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(location).endsWith("/api/v1/architectures/" + id);
    assertThat(resource.at("/analysis/parameters/trainable").longValue()).isEqualTo(2_156_490L);

    Response read = send("GET", "/api/v1/architectures/" + id, null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(json.readTree(read.text()).get("spec")).isEqualTo(resource.get("spec"));
    assertThat(json.readTree(read.text()).get("analysis")).isEqualTo(resource.get("analysis"));

    JsonNode page = json.readTree(send("GET", "/api/v1/architectures?page=0&size=50", null).text());
    assertThat(page.get("total").longValue()).isGreaterThanOrEqualTo(1);
    assertThat(page.get("items").findValuesAsString("id")).contains(id);

    Response summary = send("GET", "/api/v1/architectures/" + id + "/summary", null);
    assertThat(summary.status()).isEqualTo(200);
    assertThat(summary.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(summary.text()).contains("Total params: 2,156,490", "MACs per image: 17,667,072");
    System.out.println(summary.text());

    Response variants =
        send(
            "POST",
            "/api/v1/architectures/" + id + "/variants",
            "{\"transforms\":[\"factorize\",{\"bottleneck\":4}],\"keepFirst\":false}");
    assertThat(variants.status()).as(variants.text()).isEqualTo(201);
    JsonNode v = json.readTree(variants.text());
    assertThat(v.get("variants")).hasSize(2);
    JsonNode factorized = v.get("variants").get(0);
    assertThat(factorized.get("transform").stringValue()).isEqualTo("factorize");
    assertThat(factorized.at("/comparison/changedLayers").intValue()).isEqualTo(2);
    // factorizing seed-5x5's two 5x5 convs gives exactly seed-3x3
    assertThat(factorized.at("/comparison/parameters").longValue()).isEqualTo(2_168_362L);
    assertThat(factorized.at("/comparison/macs").longValue()).isEqualTo(26_579_968L);
    JsonNode bottleneck = v.get("variants").get(1);
    assertThat(bottleneck.get("transform").stringValue()).isEqualTo("bottleneck:4");
    assertThat(bottleneck.at("/comparison/parameterRatio").doubleValue()).isLessThan(1.0);
    assertThat(factorized.at("/comparison/receptiveField"))
        .isEqualTo(factorized.at("/comparison/baseReceptiveField"));
    String variantId = factorized.at("/architecture/id").stringValue();
    JsonNode stored = json.readTree(send("GET", "/api/v1/architectures/" + variantId, null).text());
    assertThat(stored.get("baseId").stringValue()).isEqualTo(id);
    assertThat(stored.get("transform").stringValue()).isEqualTo("factorize");

    Response badVariant =
        send("POST", "/api/v1/architectures/" + id + "/variants", "{\"transforms\":[\"shrink\"]}");
    assertThat(badVariant.status()).isEqualTo(400);
    assertThat(badVariant.text()).contains("transforms[0]");

    assertThat(send("DELETE", "/api/v1/architectures/" + id, null).status()).isEqualTo(204);
    Response gone = send("GET", "/api/v1/architectures/" + id, null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");

    Response noSummary =
        HttpJson.local(port)
            .request("GET", "/api/v1/architectures/" + id + "/summary")
            .header("Accept", "text/plain")
            .send();
    assertThat(noSummary.status()).as(noSummary.text()).isEqualTo(404);
    assertThat(noSummary.text()).contains(id);

    String docs = send("GET", "/v3/api-docs", null).text();
    JsonNode api = json.readTree(docs);
    assertThat(api.at("/paths/~1api~1v1~1architectures~1{id}~1variants/post").isObject()).isTrue();
    JsonNode example =
        api.at(
            "/paths/~1api~1v1~1architectures/post/requestBody/content/application~1json"
                + "/examples/seed-3x3/value");
    assertThat(example.toString()).as(docs).contains("seed-3x3", "maxPool");
  }
}
