package io.kernelwise.experiments;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The shape of a {@code POST /experiments} body, checked before anything is looked up: every bad
 * field is reported at once. What the fields point at (architectures, dataset, hyperparameters,
 * device, transforms) is checked afterwards by the services that own them.
 *
 * @param architectureIds the architectures to compare, or null when {@code baseArchitectureId} is
 *     given
 * @param transforms, keepFirst passed to the architecture service's variants as they are
 * @param hyperparameters, device passed to the jobs service as they are (null when absent)
 */
record ExperimentRequest(
    String name,
    List<String> architectureIds,
    String baseArchitectureId,
    JsonNode transforms,
    JsonNode keepFirst,
    String datasetId,
    JsonNode hyperparameters,
    JsonNode device) {

  /** One job per architecture: more would flood the shared queue from one request. */
  static final int MAX_ARCHITECTURES = 10;

  static final int MAX_NAME_LENGTH = 200;

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "architectureIds",
          "baseArchitectureId",
          "transforms",
          "keepFirst",
          "datasetId",
          "hyperparameters",
          "device");

  boolean derivesVariants() {
    return baseArchitectureId != null;
  }

  static ExperimentRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "must be a JSON object");
    }
    List<FieldProblem> problems = new ArrayList<>();
    for (String field : body.propertyNames()) {
      if (!FIELDS.contains(field)) {
        problems.add(new FieldProblem(field, "unknown field; expected one of " + FIELDS));
      }
    }
    String name = text(body, "name", problems);
    if (name != null && name.length() > MAX_NAME_LENGTH) {
      problems.add(new FieldProblem("name", "must be at most " + MAX_NAME_LENGTH + " characters"));
    } else if (name != null && Names.problem(name) != null) {
      problems.add(new FieldProblem("name", Names.problem(name)));
    } else {
      name = Names.check("name", name);
    }
    List<String> ids = architectureIds(body.get("architectureIds"), problems);
    boolean hasIds = present(body, "architectureIds");
    String base = text(body, "baseArchitectureId", problems);
    boolean hasBase = present(body, "baseArchitectureId");
    JsonNode transforms = body.get("transforms");
    JsonNode keepFirst = body.get("keepFirst");
    if (!hasIds && !hasBase) {
      problems.add(
          new FieldProblem("architectureIds", "required (or baseArchitectureId with transforms)"));
    } else if (hasIds && hasBase) {
      problems.add(
          new FieldProblem(
              "baseArchitectureId",
              "give either architectureIds or baseArchitectureId with transforms, not both"));
    }
    if (hasBase) {
      if (transforms == null || transforms.isNull()) {
        problems.add(
            new FieldProblem("transforms", "required with baseArchitectureId: a non-empty list"));
      } else if (!transforms.isArray() || transforms.isEmpty()) {
        problems.add(new FieldProblem("transforms", "must be a non-empty list of transforms"));
      } else if (transforms.size() > MAX_ARCHITECTURES - 1) {
        problems.add(
            new FieldProblem(
                "transforms",
                "at most "
                    + (MAX_ARCHITECTURES - 1)
                    + " (the base is compared too, "
                    + MAX_ARCHITECTURES
                    + " architectures in all)"));
      }
      if (keepFirst != null && !keepFirst.isNull() && !keepFirst.isBoolean()) {
        problems.add(new FieldProblem("keepFirst", "must be true or false"));
      }
    } else {
      if (present(body, "transforms")) {
        problems.add(new FieldProblem("transforms", "only with baseArchitectureId"));
      }
      if (present(body, "keepFirst")) {
        problems.add(new FieldProblem("keepFirst", "only with baseArchitectureId"));
      }
    }
    String datasetId = text(body, "datasetId", problems);
    if (!present(body, "datasetId")) {
      problems.add(new FieldProblem("datasetId", "required"));
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid(problems);
    }
    return new ExperimentRequest(
        name,
        hasIds ? ids : null,
        hasBase ? base : null,
        hasBase ? transforms : null,
        hasBase ? keepFirst : null,
        datasetId,
        body.get("hyperparameters"),
        body.get("device"));
  }

  private static List<String> architectureIds(JsonNode node, List<FieldProblem> problems) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.isEmpty()) {
      problems.add(
          new FieldProblem("architectureIds", "must be a non-empty list of architecture ids"));
      return List.of();
    }
    if (node.size() > MAX_ARCHITECTURES) {
      problems.add(
          new FieldProblem("architectureIds", "at most " + MAX_ARCHITECTURES + " architectures"));
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode id = node.get(i);
      String field = "architectureIds[" + i + "]";
      if (!id.isString() || id.asString().isBlank()) {
        problems.add(new FieldProblem(field, "must be a non-empty string"));
        continue;
      }
      Integer first = firstIndex.putIfAbsent(id.asString(), i);
      if (first != null) {
        problems.add(
            new FieldProblem(
                field, "duplicate of architectureIds[" + first + "]: compare each once"));
      }
      ids.add(id.asString());
    }
    return ids;
  }

  private static boolean present(JsonNode body, String field) {
    JsonNode n = body.get(field);
    return n != null && !n.isNull();
  }

  private static String text(JsonNode body, String field, List<FieldProblem> problems) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString() || node.asString().isBlank()) {
      problems.add(new FieldProblem(field, "must be a non-empty string"));
      return null;
    }
    return node.asString();
  }
}
