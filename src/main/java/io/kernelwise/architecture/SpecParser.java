package io.kernelwise.architecture;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads the DSL ({@code JsonNode -> ArchitectureSpec}), resolving every default the way {@code
 * kw_torch.py} does. Collects every problem with its layer path before failing, so one round trip
 * tells the user everything that is wrong. Shapes are checked later by {@link
 * ArchitectureAnalyzer}.
 */
public final class SpecParser {
  private static final Set<String> TOP_FIELDS = Set.of("name", "input", "classes", "layers");
  private static final Set<String> INPUT_FIELDS = Set.of("channels", "height", "width");
  private static final Map<String, Set<String>> FIELDS =
      Map.ofEntries(
          Map.entry(
              "conv",
              fields(
                  "filters",
                  "kernel",
                  "stride",
                  "padding",
                  "dilation",
                  "groups",
                  "bias",
                  "batchNorm",
                  "activation")),
          Map.entry(
              "depthwiseConv",
              fields(
                  "kernel", "stride", "padding", "multiplier", "bias", "batchNorm", "activation")),
          Map.entry(
              "separableConv",
              fields("filters", "kernel", "stride", "padding", "bias", "batchNorm", "activation")),
          Map.entry(
              "spatialSeparableConv",
              fields("filters", "kernel", "stride", "bias", "batchNorm", "activation")),
          Map.entry(
              "bottleneck", fields("filters", "width", "kernel", "stride", "groups", "residual")),
          Map.entry("residual", fields("layers", "shortcut", "activation")),
          Map.entry("repeat", fields("times", "layers")),
          Map.entry("maxPool", fields("size", "stride", "padding")),
          Map.entry("avgPool", fields("size", "stride", "padding")),
          Map.entry("globalAvgPool", fields()),
          Map.entry("flatten", fields()),
          Map.entry("dense", fields("units", "activation", "bias")),
          Map.entry("dropout", fields("rate")),
          Map.entry("batchNorm", fields()),
          Map.entry("activation", fields("function")));

  /** Name length kept in the database. */
  static final int MAX_NAME_LENGTH = 200;

  private final int maxDepth;
  private final boolean checkNames;

  public SpecParser(int maxDepth) {
    this(maxDepth, true);
  }

  /**
   * @param checkNames whether the name must pass {@link Names} (and is NFC-normalised): off for
   *     specs read back from the store, which were accepted under the rules of their day
   */
  public SpecParser(int maxDepth, boolean checkNames) {
    this.maxDepth = maxDepth;
    this.checkNames = checkNames;
  }

  private static Set<String> fields(String... names) {
    Set<String> all = new java.util.HashSet<>(Set.of(names));
    all.add("type");
    return Set.copyOf(all);
  }

  /** Every layer type of the DSL, in SPEC order. */
  public static List<String> layerTypes() {
    return List.of(
        "conv",
        "depthwiseConv",
        "separableConv",
        "spatialSeparableConv",
        "bottleneck",
        "residual",
        "repeat",
        "maxPool",
        "avgPool",
        "globalAvgPool",
        "flatten",
        "dense",
        "dropout",
        "batchNorm",
        "activation");
  }

  /**
   * Parses a spec; fields are named under {@code prefix} (empty or e.g. {@code "architecture."}).
   *
   * @throws ApiException 400 listing every problem found
   */
  public ArchitectureSpec parse(JsonNode json, String prefix) {
    Reader r = new Reader(prefix == null ? "" : prefix);
    ArchitectureSpec spec = r.spec(json);
    if (!r.problems.isEmpty()) {
      throw ApiException.invalid(r.problems);
    }
    return spec;
  }

  private final class Reader {
    final String prefix;
    final List<FieldProblem> problems = new ArrayList<>();

    Reader(String prefix) {
      this.prefix = prefix;
    }

    void problem(String field, String message) {
      problems.add(new FieldProblem(prefix + field, message));
    }

    String at(String path, String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    ArchitectureSpec spec(JsonNode json) {
      if (json == null || !json.isObject()) {
        problems.add(
            new FieldProblem(
                prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
                "must be a JSON object with name, input, classes and layers"));
        return null;
      }
      unknownFields(json, "", TOP_FIELDS);
      String name = "architecture";
      JsonNode n = json.get("name");
      if (n != null && !n.isNull()) {
        if (!n.isString() || n.stringValue().isBlank()) {
          problem("name", "must be a non-empty string");
        } else if (n.stringValue().length() > MAX_NAME_LENGTH) {
          problem("name", "must be at most " + MAX_NAME_LENGTH + " characters");
        } else if (checkNames && Names.problem(n.stringValue()) != null) {
          problem("name", Names.problem(n.stringValue()));
        } else {
          name = checkNames ? Names.check("name", n.stringValue()) : n.stringValue();
        }
      }
      InputShape input = null;
      JsonNode in = json.get("input");
      if (in == null || in.isNull()) {
        problem("input", "is required: {\"channels\": 3, \"height\": 32, \"width\": 32}");
      } else if (!in.isObject()) {
        problem("input", "must be an object {channels, height, width}");
      } else {
        unknownFields(in, "input", INPUT_FIELDS);
        Integer c = requiredInt(in, "input", "channels", 1);
        Integer h = requiredInt(in, "input", "height", 1);
        Integer w = requiredInt(in, "input", "width", 1);
        if (c != null && h != null && w != null) {
          input = new InputShape(c, h, w);
        }
      }
      Integer classes = requiredInt(json, "", "classes", 1);
      List<LayerSpec> layers = new ArrayList<>();
      JsonNode list = json.get("layers");
      if (list == null || list.isNull()) {
        problem("layers", "is required: a list of layers");
      } else {
        layers = layers(list, "layers", 1, true);
      }
      if (!problems.isEmpty() || layers == null) {
        return null;
      }
      if (!(!layers.isEmpty()
          && layers.get(layers.size() - 1) instanceof LayerSpec.Dense d
          && d.units() == classes)) {
        layers = new ArrayList<>(layers);
        layers.add(new LayerSpec.Dense(classes, Activation.NONE, true));
      }
      return new ArchitectureSpec(name, input, classes, layers);
    }

    List<LayerSpec> layers(JsonNode list, String path, int depth, boolean mayBeEmpty) {
      if (!list.isArray()) {
        problem(path, "must be a list of layers");
        return null;
      }
      if (depth > maxDepth) {
        throw ApiException.overLimit(
            prefix + path,
            "nesting depth "
                + depth
                + " is over the limit of "
                + maxDepth
                + " (kernelwise.limits.max-depth)");
      }
      if (!mayBeEmpty && list.isEmpty()) {
        problem(path, "must hold at least one layer");
      }
      List<LayerSpec> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        LayerSpec layer = layer(list.get(i), path + "[" + i + "]", depth);
        if (layer != null) {
          out.add(layer);
        }
      }
      return out;
    }

    LayerSpec layer(JsonNode json, String path, int depth) {
      if (!json.isObject()) {
        problem(path, "must be an object with a \"type\"");
        return null;
      }
      JsonNode t = json.get("type");
      if (t == null || !t.isString()) {
        problem(at(path, "type"), "is required, one of " + layerTypes());
        return null;
      }
      String type = t.stringValue();
      Set<String> allowed = FIELDS.get(type);
      if (allowed == null) {
        problem(at(path, "type"), "unknown layer type '" + type + "'; one of " + layerTypes());
        return null;
      }
      int before = problems.size();
      unknownFields(json, path, allowed);
      LayerSpec layer = build(type, json, path, depth);
      return problems.size() == before ? layer : null;
    }

    LayerSpec build(String type, JsonNode j, String p, int depth) {
      switch (type) {
        case "conv" -> {
          Integer filters = requiredInt(j, p, "filters", 1);
          Size2 kernel = requiredPair(j, p, "kernel");
          Size2 stride = pair(j, p, "stride", 1);
          Padding padding = padding(j, p);
          Size2 dilation = pair(j, p, "dilation", 1);
          Integer groups = optInt(j, p, "groups", 1, 1);
          boolean bn = bool(j, p, "batchNorm", false);
          boolean bias = bool(j, p, "bias", !bn);
          Activation act = activation(j, p, "activation");
          if (filters == null || kernel == null || groups == null) {
            return null;
          }
          return new LayerSpec.Conv(
              filters, kernel, stride, padding, dilation, groups, bias, bn, act);
        }
        case "depthwiseConv" -> {
          Size2 kernel = requiredPair(j, p, "kernel");
          Size2 stride = pair(j, p, "stride", 1);
          Padding padding = padding(j, p);
          Integer mult = optInt(j, p, "multiplier", 1, 1);
          boolean bn = bool(j, p, "batchNorm", false);
          boolean bias = bool(j, p, "bias", !bn);
          Activation act = activation(j, p, "activation");
          if (kernel == null || mult == null) {
            return null;
          }
          return new LayerSpec.DepthwiseConv(kernel, stride, padding, mult, bias, bn, act);
        }
        case "separableConv" -> {
          Integer filters = requiredInt(j, p, "filters", 1);
          Size2 kernel = requiredPair(j, p, "kernel");
          Size2 stride = pair(j, p, "stride", 1);
          Padding padding = padding(j, p);
          boolean bn = bool(j, p, "batchNorm", false);
          boolean bias = bool(j, p, "bias", !bn);
          Activation act = activation(j, p, "activation");
          if (filters == null || kernel == null) {
            return null;
          }
          return new LayerSpec.SeparableConv(filters, kernel, stride, padding, bias, bn, act);
        }
        case "spatialSeparableConv" -> {
          Integer filters = requiredInt(j, p, "filters", 1);
          Integer kernel = requiredInt(j, p, "kernel", 1);
          Size2 stride = pair(j, p, "stride", 1);
          boolean bn = bool(j, p, "batchNorm", false);
          boolean bias = bool(j, p, "bias", !bn);
          Activation act = activation(j, p, "activation");
          if (filters == null || kernel == null) {
            return null;
          }
          return new LayerSpec.SpatialSeparableConv(filters, kernel, stride, bias, bn, act);
        }
        case "bottleneck" -> {
          Integer filters = requiredInt(j, p, "filters", 1);
          Integer width = requiredInt(j, p, "width", 1);
          Integer kernel = optInt(j, p, "kernel", 3, 1);
          Integer stride = optInt(j, p, "stride", 1, 1);
          Integer groups = optInt(j, p, "groups", 1, 1);
          boolean residual = bool(j, p, "residual", true);
          if (filters == null || width == null || kernel == null || stride == null) {
            return null;
          }
          if (groups == null) {
            return null;
          }
          return new LayerSpec.Bottleneck(filters, width, kernel, stride, groups, residual);
        }
        case "residual" -> {
          List<LayerSpec> body = children(j, p, depth);
          LayerSpec.Shortcut shortcut = LayerSpec.Shortcut.AUTO;
          JsonNode s = j.get("shortcut");
          if (s != null && !s.isNull()) {
            if (s.isString() && s.stringValue().equals("auto")) {
              shortcut = LayerSpec.Shortcut.AUTO;
            } else if (s.isString() && s.stringValue().equals("identity")) {
              shortcut = LayerSpec.Shortcut.IDENTITY;
            } else {
              problem(at(p, "shortcut"), "must be \"auto\" or \"identity\"");
            }
          }
          Activation act = activation(j, p, "activation");
          return body == null ? null : new LayerSpec.Residual(body, shortcut, act);
        }
        case "repeat" -> {
          Integer times = requiredInt(j, p, "times", 1);
          List<LayerSpec> body = children(j, p, depth);
          return body == null || times == null ? null : new LayerSpec.Repeat(times, body);
        }
        case "maxPool", "avgPool" -> {
          Size2 size = requiredPair(j, p, "size");
          Size2 stride = j.has("stride") ? pair(j, p, "stride", 1) : size;
          Size2 padding = pair(j, p, "padding", 0, 0);
          if (size == null || stride == null) {
            return null;
          }
          return new LayerSpec.Pool(type.equals("maxPool"), size, stride, padding);
        }
        case "globalAvgPool" -> {
          return new LayerSpec.GlobalAvgPool();
        }
        case "flatten" -> {
          return new LayerSpec.Flatten();
        }
        case "dense" -> {
          Integer units = requiredInt(j, p, "units", 1);
          Activation act = activation(j, p, "activation");
          boolean bias = bool(j, p, "bias", true);
          return units == null ? null : new LayerSpec.Dense(units, act, bias);
        }
        case "dropout" -> {
          JsonNode r = j.get("rate");
          if (r == null || r.isNull()) {
            problem(at(p, "rate"), "is required, a number in [0, 1)");
            return null;
          }
          if (!r.isNumber() || r.doubleValue() < 0 || r.doubleValue() >= 1) {
            problem(at(p, "rate"), "must be a number in [0, 1)");
            return null;
          }
          return new LayerSpec.Dropout(r.doubleValue());
        }
        case "batchNorm" -> {
          return new LayerSpec.BatchNorm();
        }
        case "activation" -> {
          if (!j.has("function")) {
            problem(at(p, "function"), "is required, one of " + activationNames());
            return null;
          }
          return new LayerSpec.ActivationLayer(activation(j, p, "function"));
        }
        default -> throw new IllegalStateException(type);
      }
    }

    List<LayerSpec> children(JsonNode j, String p, int depth) {
      JsonNode list = j.get("layers");
      if (list == null || list.isNull()) {
        problem(at(p, "layers"), "is required: a non-empty list of layers");
        return null;
      }
      return layers(list, at(p, "layers"), depth + 1, false);
    }

    void unknownFields(JsonNode json, String path, Set<String> allowed) {
      for (String name : json.propertyNames()) {
        if (!allowed.contains(name)) {
          problem(
              at(path, name), "unknown field; allowed here: " + allowed.stream().sorted().toList());
        }
      }
    }

    Integer requiredInt(JsonNode j, String path, String field, int min) {
      JsonNode v = j.get(field);
      if (v == null || v.isNull()) {
        problem(at(path, field), "is required (an integer >= " + min + ")");
        return null;
      }
      return integer(v, at(path, field), min);
    }

    Integer optInt(JsonNode j, String path, String field, int dflt, int min) {
      JsonNode v = j.get(field);
      if (v == null || v.isNull()) {
        return dflt;
      }
      return integer(v, at(path, field), min);
    }

    Integer integer(JsonNode v, String field, int min) {
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        problem(field, "must be an integer >= " + min + (v.isNumber() ? " that fits 32 bits" : ""));
        return null;
      }
      if (v.intValue() < min) {
        problem(field, "must be >= " + min + ", not " + v.intValue());
        return null;
      }
      return v.intValue();
    }

    Size2 requiredPair(JsonNode j, String path, String field) {
      if (!j.has(field) || j.get(field).isNull()) {
        problem(at(path, field), "is required: an integer or [height, width]");
        return null;
      }
      return pair(j, path, field, 1);
    }

    Size2 pair(JsonNode j, String path, String field, int dflt) {
      return pair(j, path, field, dflt, 1);
    }

    /** An int or [h, w]; {@code null} after recording a problem. */
    Size2 pair(JsonNode j, String path, String field, int dflt, int min) {
      JsonNode v = j.get(field);
      if (v == null || v.isNull()) {
        return Size2.square(dflt);
      }
      String f = at(path, field);
      if (v.isArray()) {
        if (v.size() != 2) {
          problem(f, "must be an integer or a pair [height, width]");
          return null;
        }
        Integer h = integer(v.get(0), f + "[0]", min);
        Integer w = integer(v.get(1), f + "[1]", min);
        return h == null || w == null ? null : new Size2(h, w);
      }
      if (!v.isNumber()) {
        problem(f, "must be an integer or a pair [height, width]");
        return null;
      }
      Integer s = integer(v, f, min);
      return s == null ? null : Size2.square(s);
    }

    Padding padding(JsonNode j, String path) {
      JsonNode v = j.get("padding");
      if (v == null || v.isNull()) {
        return Padding.SAME;
      }
      if (v.isString()) {
        return switch (v.stringValue()) {
          case "same" -> Padding.SAME;
          case "valid" -> Padding.VALID;
          default -> {
            problem(at(path, "padding"), "must be \"same\", \"valid\", an integer or [h, w]");
            yield Padding.SAME;
          }
        };
      }
      Size2 s = pair(j, path, "padding", 0, 0);
      return s == null ? Padding.SAME : new Padding.Explicit(s);
    }

    boolean bool(JsonNode j, String path, String field, boolean dflt) {
      JsonNode v = j.get(field);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isBoolean()) {
        problem(at(path, field), "must be true or false");
        return dflt;
      }
      return v.booleanValue();
    }

    Activation activation(JsonNode j, String path, String field) {
      JsonNode v = j.get(field);
      if (v == null || v.isNull()) {
        return Activation.NONE;
      }
      Function<String, Activation> bad =
          s -> {
            problem(at(path, field), "must be one of " + activationNames() + ", not " + s);
            return Activation.NONE;
          };
      if (!v.isString()) {
        return bad.apply(v.toString());
      }
      return Activation.fromJson(v.stringValue())
          .orElseGet(() -> bad.apply("'" + v.stringValue() + "'"));
    }
  }

  static List<String> activationNames() {
    return java.util.Arrays.stream(Activation.values()).map(Activation::json).toList();
  }
}
