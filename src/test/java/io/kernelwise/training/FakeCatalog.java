package io.kernelwise.training;

import io.kernelwise.architecture.ArchitectureCatalog;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.architecture.InputShape;
import io.kernelwise.system.ApiException;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Test double: specs are {@code {name, classes, side}} on 3 x side x side (default 32); "a-tiny" is
 * the stored one.
 */
class FakeCatalog implements ArchitectureCatalog {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final String STORED = "a-tiny";

  @Override
  public ArchitectureSpec spec(String architectureId) {
    if (!STORED.equals(architectureId)) {
      throw ApiException.notFound("architecture", architectureId);
    }
    return new ArchitectureSpec("tiny", new InputShape(3, 32, 32), 10, List.of());
  }

  @Override
  public ArchitectureSpec parse(JsonNode json, String fieldPrefix) {
    if (!json.has("name") || !json.get("name").isString()) {
      throw ApiException.invalid(fieldPrefix + ".name", "is required");
    }
    int classes = json.has("classes") ? json.get("classes").asInt() : 10;
    int side = json.has("side") ? json.get("side").asInt() : 32;
    return new ArchitectureSpec(
        json.get("name").asString(), new InputShape(3, side, side), classes, List.of());
  }

  @Override
  public ArchitectureSpec stored(JsonNode json) {
    return parse(json, "spec");
  }

  @Override
  public String toJson(ArchitectureSpec spec) {
    return JSON.writeValueAsString(Map.of("name", spec.name(), "classes", spec.classes()));
  }
}
