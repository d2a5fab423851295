package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The served document is the committed one ({@code docs/openapi.json}, which the Java client of
 * GeneratedClientJourneyTest is generated from and .ci/run lints), and it keeps the promises users
 * rely on: meaningful unique operation ids, real media types, a Problem on every error.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:openapi-document;MODE=PostgreSQL;"
          + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
      "kernelwise.data-dir=${java.io.tmpdir}/kernelwise-openapi-document"
    })
class OpenApiDocumentTest {
  static final Path COMMITTED = Path.of("docs/openapi.json");
  static final Path SERVED = Path.of("target/openapi.json");
  private static final JsonMapper PRETTY =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  @LocalServerPort int port;

  private JsonNode served() {
    return HttpJson.local(port).withoutHeader("Authorization").getJson("/v3/api-docs");
  }

  @Test
  void committedDocumentIsTheServedOne() throws IOException {
    String served = PRETTY.writeValueAsString(sorted(served())) + "\n";
    Files.createDirectories(SERVED.getParent());
    Files.writeString(SERVED, served);
    String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "";
    assertThat(committed)
        .as(
            "docs/openapi.json differs from the document the service serves (written to"
                + " target/openapi.json); if the change is meant, refresh it: cp"
                + " target/openapi.json docs/openapi.json")
        .isEqualTo(served);
  }

  @Test
  void operationsHaveMeaningfulIdsMediaTypesAndProblems() {
    JsonNode doc = served();
    assertThat(doc.get("openapi").asString()).startsWith("3.0");
    List<String> wrong = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    doc.get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          String where = op.getKey().toUpperCase() + " " + path.getKey();
                          JsonNode o = op.getValue();
                          String id = o.path("operationId").asString("");
                          if (!id.matches("[a-z][A-Za-z0-9]+") || id.matches(".*_\\d+")) {
                            wrong.add(where + ": operationId '" + id + "'");
                          }
                          if (!ids.add(id)) {
                            wrong.add(where + ": operationId '" + id + "' twice");
                          }
                          if (o.path("tags").isEmpty()) {
                            wrong.add(where + ": no tag");
                          }
                          if (o.toString().contains("\"*/*\"")) {
                            wrong.add(where + ": */* media type");
                          }
                          JsonNode body = o.at("/requestBody/content/application~1json");
                          if (!body.isMissingNode() && body.path("examples").isEmpty()) {
                            wrong.add(where + ": JSON body without examples");
                          }
                          if (!body.isMissingNode() && !body.at("/schema/$ref").isString()) {
                            wrong.add(where + ": JSON body without a named schema");
                          }
                          o.path("responses")
                              .properties()
                              .forEach(
                                  r -> {
                                    if (r.getKey().charAt(0) >= '4'
                                        && path.getKey().startsWith("/api/")
                                        && !r.getValue()
                                            .at("/content/application~1problem+json/schema/$ref")
                                            .asString("")
                                            .endsWith("/Problem")) {
                                      wrong.add(where + " " + r.getKey() + ": not a Problem");
                                    }
                                  });
                        }));
    assertThat(wrong).isEmpty();
    assertThat(doc.at("/components/schemas/SpecLayer/discriminator/propertyName").asString())
        .isEqualTo("type");
    assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
  }

  /**
   * Every example request body is one the service takes: posted as it is (through HttpJson, so the
   * exchange is checked against the document too), it is not a 400. Ids in the examples are
   * placeholders, so an unknown architecture or dataset (404, 409) is fine; path ids are a stored
   * architecture's for the variants example, unknown ones elsewhere.
   */
  @Test
  void exampleBodiesAreAccepted() {
    HttpJson api = HttpJson.local(port);
    JsonNode doc = served();
    String architecture =
        api.postJson(
                "/api/v1/architectures",
                doc.at(
                        "/paths/~1api~1v1~1architectures/post/requestBody/content/application~1json"
                            + "/examples/seed-3x3/value")
                    .toString(),
                201)
            .get("id")
            .asString();
    List<String> wrong = new ArrayList<>();
    int posted = 0;
    for (var path : doc.get("paths").properties()) {
      for (var op : path.getValue().properties()) {
        JsonNode examples = op.getValue().at("/requestBody/content/application~1json/examples");
        for (var example : examples.properties()) {
          String target =
              path.getKey().replace("{id}", architecture).replaceAll("\\{[a-z]+}", "missing");
          HttpJson.Response r =
              api.request(op.getKey().toUpperCase(), target)
                  .json(example.getValue().get("value").toString())
                  .send();
          posted++;
          if (r.status() >= 400 && r.status() != 404 && r.status() != 409) {
            wrong.add(example.getKey() + ": " + r);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(posted).isGreaterThanOrEqualTo(9);
  }

  /** Keys sorted at every level, so that the committed file diffs only where the API changed. */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Map<String, JsonNode> fields = new TreeMap<>();
      node.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> out.set(k, sorted(v)));
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return node;
  }
}
