package io.kernelwise.training;

import io.kernelwise.architecture.ArchitectureCatalog;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.datasets.DatasetShape;
import io.kernelwise.datasets.DatasetTensors;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.FieldProblem;
import io.kernelwise.system.JsonProblems;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates a {@code POST /jobs} body before anything is stored: every bad field is reported by its
 * path ({@code hyperparameters.optimizer.type}); unknown architecture or dataset ids are 404/409
 * naming {@code architectureId} / {@code datasetId}.
 */
class JobSubmission {
  private static final Set<String> FIELDS =
      Set.of("architectureId", "architecture", "datasetId", "hyperparameters", "device");

  /** What a valid request resolves to. */
  record Valid(
      String architectureId,
      ArchitectureSpec spec,
      String datasetId,
      Hyperparameters hyperparameters,
      String device) {}

  private final ArchitectureCatalog catalog;
  private final DatasetTensors datasets;
  // device text -> what the job stores ("cpu", "gpu:N", or "auto" for the worker to decide)
  private final BiFunction<String, String, String> devices;
  private final JsonMapper strict;
  private final String defaultDevice;

  JobSubmission(
      ArchitectureCatalog catalog,
      DatasetTensors datasets,
      BiFunction<String, String, String> devices,
      JsonMapper json,
      String defaultDevice) {
    this.defaultDevice = defaultDevice;
    this.catalog = catalog;
    this.datasets = datasets;
    this.devices = devices;
    this.strict = json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  String specJson(ArchitectureSpec spec) {
    return catalog.toJson(spec);
  }

  Valid validate(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "must be a JSON object");
    }
    List<FieldProblem> problems = new ArrayList<>();
    for (String field : body.propertyNames()) {
      if (!FIELDS.contains(field)) {
        problems.add(new FieldProblem(field, "unknown field; expected one of " + FIELDS));
      }
    }
    String architectureId = text(body, "architectureId", problems);
    JsonNode inline = body.get("architecture");
    boolean hasInline = inline != null && !inline.isNull();
    if (architectureId == null && !hasInline) {
      problems.add(
          new FieldProblem("architectureId", "required (or an inline 'architecture' spec)"));
    } else if (architectureId != null && hasInline) {
      problems.add(
          new FieldProblem("architecture", "give either architectureId or architecture, not both"));
    }
    String datasetId = text(body, "datasetId", problems);
    if (datasetId == null && !body.has("datasetId")) {
      problems.add(new FieldProblem("datasetId", "required"));
    }
    Hyperparameters hp = hyperparameters(body.get("hyperparameters"), problems);
    String deviceText = text(body, "device", problems);
    String device = null;
    if (problems.isEmpty()) {
      // 400 for an absent GPU (on an instance that trains)
      device = devices.apply(deviceText == null ? defaultDevice : deviceText, "device");
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid(problems);
    }
    ArchitectureSpec spec =
        hasInline ? catalog.parse(inline, "architecture") : storedSpec(architectureId);
    checkViews(hp, spec);
    DatasetShape data = dataset(datasetId);
    checkFits(spec, data, hasInline ? "architecture" : "architectureId");
    checkTrainable(hp, data);
    return new Valid(architectureId, spec, datasetId, hp, device);
  }

  private ArchitectureSpec storedSpec(String id) {
    try {
      return catalog.spec(id);
    } catch (ApiException e) {
      throw named(e, "architectureId");
    }
  }

  private DatasetShape dataset(String id) {
    try {
      return datasets.describe(id);
    } catch (ApiException e) {
      throw named(e, "datasetId");
    }
  }

  /** The same error, with the request field it is about. */
  private static ApiException named(ApiException e, String field) {
    if (!e.errors().isEmpty()) {
      return e;
    }
    return new ApiException(
        e.status(), e.title(), e.getMessage(), List.of(new FieldProblem(field, e.getMessage())));
  }

  private static void checkFits(ArchitectureSpec spec, DatasetShape data, String field) {
    List<FieldProblem> problems = new ArrayList<>();
    if (spec.classes() != data.classes().size()) {
      problems.add(
          new FieldProblem(
              field,
              "has "
                  + spec.classes()
                  + " classes but dataset '"
                  + data.id()
                  + "' has "
                  + data.classes().size()));
    }
    var in = spec.input();
    if (in.channels() != data.channels()
        || in.height() != data.height()
        || in.width() != data.width()) {
      problems.add(
          new FieldProblem(
              field,
              "expects input "
                  + in.channels()
                  + "x"
                  + in.height()
                  + "x"
                  + in.width()
                  + " but dataset '"
                  + data.id()
                  + "' has images "
                  + data.channels()
                  + "x"
                  + data.height()
                  + "x"
                  + data.width()));
    }
    if (!problems.isEmpty()) {
      throw new ApiException(
          HttpStatus.CONFLICT,
          "Architecture does not fit the dataset",
          problems.get(0).message(),
          problems);
    }
  }

  /** A shifted test-time view reflects its border from the image: the shift must be shorter. */
  private static void checkViews(Hyperparameters hp, ArchitectureSpec spec) {
    int side = Math.min(spec.input().height(), spec.input().width());
    if (hp.testTimeTranslate() >= side) {
      throw ApiException.invalid(
          "hyperparameters.testTimeTranslate",
          "must be less than the input's smaller side ("
              + side
              + " pixels): the shifted view's border is reflected from the image");
    }
  }

  /** The split that trains must fill a batch: BatchNorm cannot train on a single image. */
  private static void checkTrainable(Hyperparameters hp, DatasetShape data) {
    int images =
        HyperparameterRules.trainingImages(
            data.trainImages(), data.hasTest(), hp.validationSplit());
    if (data.trainImages() < 2 || images < HyperparameterRules.MIN_BATCH_SIZE) {
      String message =
          "dataset '"
              + data.id()
              + "' leaves "
              + Math.max(0, images)
              + " training image(s) after the validation hold-out; training needs at least "
              + HyperparameterRules.MIN_BATCH_SIZE;
      throw new ApiException(
          HttpStatus.CONFLICT,
          "Dataset too small to train",
          message,
          List.of(new FieldProblem("datasetId", message)));
    }
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

  private Hyperparameters hyperparameters(JsonNode node, List<FieldProblem> problems) {
    Hyperparameters raw;
    if (node == null || node.isNull()) {
      raw = Hyperparameters.unset();
    } else if (!node.isObject()) {
      problems.add(new FieldProblem("hyperparameters", "must be an object"));
      return null;
    } else {
      try {
        raw = strict.treeToValue(node, Hyperparameters.class);
      } catch (JacksonException e) {
        problems.add(
            JsonProblems.isBinding(e)
                ? JsonProblems.field("hyperparameters", e)
                : new FieldProblem("hyperparameters", JsonProblems.syntax(e)));
        return null;
      }
    }
    Hyperparameters hp = raw.withDefaults();
    problems.addAll(HyperparameterRules.problems(hp));
    return hp;
  }
}
