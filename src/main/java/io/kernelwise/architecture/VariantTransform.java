package io.kernelwise.architecture;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The article's transformations (SPEC "Variants"). In JSON: {@code "factorize"}, {@code
 * "spatialSeparable"}, {@code "depthwiseSeparable"}, {@code {"bottleneck": r}}, {@code {"grouped":
 * g}}.
 */
public sealed interface VariantTransform {
  /** How the transform is stored and shown: {@code factorize}, {@code bottleneck:4}, ... */
  String label();

  /** k x k (odd k > 3, stride 1, groups 1) -> (k-1)/2 stacked 3x3 convs. */
  record Factorize() implements VariantTransform {
    public String label() {
      return "factorize";
    }
  }

  /** k x k -> k x 1 then 1 x k (same-padded convs). */
  record SpatialSeparable() implements VariantTransform {
    public String label() {
      return "spatialSeparable";
    }
  }

  /** k x k -> depthwise k x k then pointwise 1x1. */
  record DepthwiseSeparable() implements VariantTransform {
    public String label() {
      return "depthwiseSeparable";
    }
  }

  /** k x k c_in -> c_out becomes 1x1 to c_out/r, k x k, 1x1 to c_out. */
  record Bottleneck(int ratio) implements VariantTransform {
    public String label() {
      return "bottleneck:" + ratio;
    }
  }

  /** groups = g where the channels allow it. */
  record Grouped(int groups) implements VariantTransform {
    public String label() {
      return "grouped:" + groups;
    }
  }

  int MAX_TRANSFORMS = 10;

  /** Reads the {@code transforms} list; a 400 names each bad entry ({@code transforms[1]}). */
  static List<VariantTransform> parseAll(JsonNode list) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw ApiException.invalid(
          "transforms",
          "is required: a non-empty list of \"factorize\", \"spatialSeparable\","
              + " \"depthwiseSeparable\", {\"bottleneck\": r}, {\"grouped\": g}");
    }
    if (list.size() > MAX_TRANSFORMS) {
      throw ApiException.invalid("transforms", "at most " + MAX_TRANSFORMS + " transforms");
    }
    List<FieldProblem> problems = new ArrayList<>();
    List<VariantTransform> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String field = "transforms[" + i + "]";
      JsonNode t = list.get(i);
      VariantTransform parsed = null;
      if (t.isString()) {
        parsed =
            switch (t.stringValue()) {
              case "factorize" -> new Factorize();
              case "spatialSeparable" -> new SpatialSeparable();
              case "depthwiseSeparable" -> new DepthwiseSeparable();
              case "bottleneck" -> new Bottleneck(4);
              case "grouped" -> new Grouped(2);
              default -> null;
            };
      } else if (t.isObject() && t.size() == 1) {
        String name = t.propertyNames().iterator().next();
        JsonNode v = t.get(name);
        boolean number = v.isIntegralNumber() && v.canConvertToInt();
        if (name.equals("bottleneck") || name.equals("grouped")) {
          if (!number || v.intValue() < 2 || v.intValue() > 1024) {
            problems.add(
                new FieldProblem(field + "." + name, "must be an integer between 2 and 1024"));
            continue;
          }
          parsed =
              name.equals("bottleneck") ? new Bottleneck(v.intValue()) : new Grouped(v.intValue());
        }
      }
      if (parsed == null) {
        problems.add(
            new FieldProblem(
                field,
                "unknown transform "
                    + t
                    + "; one of \"factorize\", \"spatialSeparable\", \"depthwiseSeparable\","
                    + " {\"bottleneck\": r}, {\"grouped\": g}"));
      } else {
        out.add(parsed);
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid(problems);
    }
    return out;
  }
}
