package io.kernelwise.oip;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Validates responses against the schemas of the protocol's own OpenAPI document ({@code
 * oip/open_inference_rest.yaml}, copied from kserve/open-inference-protocol with its licence) with
 * networknt's json-schema-validator in its OpenAPI 3.0 dialect. The document gives no schema for
 * the health and model-ready answers; those are checked against the shapes of {@code
 * inference_rest.md}, written here as JSON schemas.
 */
final class OipSchemas {
  private static final String DOCUMENT = "classpath:oip/open_inference_rest.yaml";
  private static final String HEALTH = "https://kernelwise.io/test/oip-health.json";
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          Dialects.getOpenApi30(),
          b ->
              b.schemas(
                  Map.of(
                      HEALTH,
                      """
                      {"$defs": {
                        "live": {"type": "object", "required": ["live"],
                                 "properties": {"live": {"type": "boolean"}}},
                        "ready": {"type": "object", "required": ["ready"],
                                  "properties": {"ready": {"type": "boolean"}}},
                        "model_ready": {"type": "object", "required": ["name", "ready"],
                                        "properties": {"name": {"type": "string"},
                                                       "ready": {"type": "boolean"}}}}}
                      """)));

  private OipSchemas() {}

  /** A schema of the protocol document, e.g. {@code inference_response}. */
  static void assertValid(String component, JsonNode body) {
    check(DOCUMENT + "#/components/schemas/" + component, body);
  }

  static void assertHealth(String definition, JsonNode body) {
    check(HEALTH + "#/$defs/" + definition, body);
  }

  /** Every error: the protocol's {@code {"error": "..."}} with a message, nothing else. */
  static void assertError(String component, JsonNode body) {
    assertValid(component, body);
    assertThat(body.properties()).hasSize(1);
    assertThat(body.path("error").isString()).as("error is a string: %s", body).isTrue();
    assertThat(body.path("error").asString()).isNotBlank();
  }

  private static void check(String location, JsonNode body) {
    Schema schema = REGISTRY.getSchema(SchemaLocation.of(location));
    List<Error> errors = schema.validate(body);
    assertThat(errors).as("%s against %s", body, location).isEmpty();
  }
}
