package io.kernelwise.architecture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Serves the DSL's JSON Schema ({@code architecture/spec-schema.json}, draft 04 like OpenAPI 3.0,
 * and {@code transform-schema.json}) in the document: its definitions become component schemas
 * ({@code ArchitectureSpec}, {@code SpecLayer} with a discriminator on {@code type}, one schema per
 * layer type), referenced by the architecture, job and experiment bodies. The files are the one
 * source, so the resources and the document cannot drift apart.
 */
@Component
public class SpecSchemaDocs implements OpenApiCustomizer {
  static final List<String> RESOURCES =
      List.of("/architecture/spec-schema.json", "/architecture/transform-schema.json");
  public static final String SPEC = "#/components/schemas/ArchitectureSpec";
  public static final String TRANSFORM = "#/components/schemas/VariantTransform";

  private final Map<String, Schema<?>> schemas = new java.util.LinkedHashMap<>();

  SpecSchemaDocs() {
    RESOURCES.forEach(this::load);
  }

  private void load(String resource) {
    JsonNode root;
    try (InputStream in = SpecSchemaDocs.class.getResourceAsStream(resource)) {
      root = Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("definitions").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode definition = rewriteRefs(e.getValue().deepCopy());
      schemas.put(e.getKey(), Json.mapper().convertValue(definition, Schema.class));
    }
  }

  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      openApi.setComponents(new Components());
    }
    schemas.forEach(openApi.getComponents()::addSchemas);
  }

  /** {@code #/definitions/X} (JSON Schema) to {@code #/components/schemas/X} (OpenAPI). */
  private static JsonNode rewriteRefs(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual() && e.getValue().asText().startsWith("#/definitions/")) {
          o.put(
              e.getKey(), e.getValue().asText().replace("#/definitions/", "#/components/schemas/"));
        } else {
          rewriteRefs(e.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(SpecSchemaDocs::rewriteRefs);
    }
    return node;
  }
}
