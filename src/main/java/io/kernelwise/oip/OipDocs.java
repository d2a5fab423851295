package io.kernelwise.oip;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The {@code /v2} operations as the protocol defines them ({@code reading/open-inference-protocol},
 * {@code $inference_request} and friends): the controllers read and write the bodies themselves (a
 * bounded token stream, the binary extension), so springdoc cannot see their shapes. Every error is
 * the protocol's {@code {"error": "..."}}.
 */
@Component
class OipDocs implements OpenApiCustomizer {
  static final String TAG = "Open Inference Protocol";
  private static final String JSON = "application/json";
  private static final String BINARY = "application/octet-stream";
  private static final Map<String, Object> EXAMPLE =
      Map.of(
          "inputs",
          List.of(
              Map.of(
                  "name",
                  "input",
                  "shape",
                  List.of(1),
                  "datatype",
                  "BYTES",
                  "data",
                  List.of(
                      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAf"
                          + "JgQRoo8irwAAAABJRU5ErkJggg=="))),
          "outputs",
          List.of(Map.of("name", "probabilities", "parameters", Map.of("classification", 3))));

  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      openApi.setComponents(new Components());
    }
    schemas().forEach(openApi.getComponents()::addSchemas);
    if (openApi.getTags() == null
        || openApi.getTags().stream().noneMatch(t -> TAG.equals(t.getName()))) {
      openApi.addTagsItem(
          new Tag()
              .name(TAG)
              .description(
                  "KServe / Triton's REST protocol v2 under /v2: health, metadata, readiness and"
                      + " inference; models by id or name, versions by number"));
    }
    if (openApi.getPaths() == null) {
      return;
    }
    openApi
        .getPaths()
        .forEach(
            (path, item) -> {
              if (path.startsWith("/v2")) {
                item.readOperationsMap().forEach((method, op) -> describe(path, method, op));
              }
            });
  }

  private static void describe(String path, PathItem.HttpMethod method, Operation op) {
    op.setTags(List.of(TAG));
    boolean version = path.contains("/versions/");
    if (op.getResponses() == null) {
      op.setResponses(new ApiResponses());
    }
    ApiResponses r = op.getResponses();
    switch (path.replace("/versions/{version}", "")) {
      case "/v2" -> {
        op.operationId("getServerMetadata").summary("Server metadata: name, version, extensions");
      }
      case "/v2/health/live" -> {
        op.operationId("getServerLive")
            .summary("Liveness: the process answers")
            .description(
                "Always 200 {\"live\": true} while the process serves HTTP; no key needed.");
        r.addApiResponse("200", json("live", ref("OipLive")));
      }
      case "/v2/health/ready" -> {
        op.operationId("getServerReady")
            .summary("Readiness: the actuator's readiness group (database, engine, model store)")
            .description(
                "200 {\"ready\": true} when the readiness group is UP, else 503 {\"ready\": false},"
                    + " so that a probe fails; no key needed.");
        r.addApiResponse("200", json("ready", ref("OipReady")));
        r.addApiResponse("503", json("not ready", ref("OipReady")));
      }
      case "/v2/models/{model}" -> {
        op.operationId(version ? "getModelVersionMetadata" : "getModelMetadata")
            .summary("Model metadata: input and output tensors, labels, Kernelwise's ids");
        notFound(r);
      }
      case "/v2/models/{model}/ready" -> {
        op.operationId(version ? "getModelVersionReady" : "getModelReady")
            .summary("Model readiness: loads the model (a probe warms it up)");
        r.addApiResponse("200", json("ready", ref("OipModelReady")));
        r.addApiResponse("503", json("exists but cannot be served (yet)", ref("OipModelReady")));
        notFound(r);
      }
      case "/v2/models/{model}/infer" -> infer(op, version);
      default -> {}
    }
    r.forEach(
        (code, response) -> {
          if (code.charAt(0) >= '4' && !hasRef(response)) {
            response.setContent(
                new Content().addMediaType(JSON, new MediaType().schema(ref("OipError"))));
          }
        });
    if (!r.containsKey("500")) {
      r.addApiResponse("500", error("unexpected error (logged)"));
    }
  }

  private static void infer(Operation op, boolean version) {
    op.operationId(version ? "inferModelVersion" : "inferModel")
        .summary(
            "Inference: FP32, UINT8 or BYTES (base64 JPEG/PNG) images in, probabilities or"
                + " top-k labels (the classification parameter) out")
        .addParametersItem(
            new HeaderParameter()
                .name(OipInferController.HEADER_LENGTH)
                .description(
                    "binary tensor extension: the length of the JSON header that starts the"
                        + " application/octet-stream body")
                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ZERO)));
    op.requestBody(
        new RequestBody()
            .required(true)
            .content(
                new Content()
                    .addMediaType(
                        JSON,
                        new MediaType()
                            .schema(ref("OipInferenceRequest"))
                            .addExamples(
                                "a PNG, top-3 labels",
                                new Example()
                                    .summary("BYTES input: base64 JPEG/PNG, any size")
                                    .value(EXAMPLE)))
                    .addMediaType(
                        BINARY,
                        new MediaType()
                            .schema(
                                new BinarySchema()
                                    .description(
                                        "a JSON inference request of"
                                            + " Inference-Header-Content-Length bytes, then the"
                                            + " tensors' raw bytes")))));
    ApiResponses r = op.getResponses();
    r.addApiResponse(
        "200",
        new ApiResponse()
            .description("outputs; with binary outputs, a JSON header and raw tensor bytes")
            .content(
                new Content()
                    .addMediaType(JSON, new MediaType().schema(ref("OipInferenceResponse")))
                    .addMediaType(BINARY, new MediaType().schema(new BinarySchema()))));
    r.addApiResponse("400", error("an input the model cannot take, or a malformed request"));
    notFound(r);
    r.addApiResponse("413", error("over kernelwise.inference.max-infer-request-size"));
    r.addApiResponse("503", error("the model's queue is full, or its files are not visible yet"));
  }

  private static void notFound(ApiResponses r) {
    r.addApiResponse("404", error("no such model or version"));
  }

  private static boolean hasRef(ApiResponse response) {
    return response.getContent() != null
        && response.getContent().values().stream()
            .anyMatch(m -> m.getSchema() != null && m.getSchema().get$ref() != null);
  }

  private static ApiResponse json(String description, Schema<?> schema) {
    return new ApiResponse()
        .description(description)
        .content(new Content().addMediaType(JSON, new MediaType().schema(schema)));
  }

  private static ApiResponse error(String description) {
    return json(description, ref("OipError"));
  }

  private static Schema<?> ref(String name) {
    return new Schema<>().$ref("#/components/schemas/" + name);
  }

  private static Map<String, Schema<?>> schemas() {
    Schema<?> parameters =
        new ObjectSchema().additionalProperties(true).description("protocol parameters");
    Schema<?> shape = new ArraySchema().items(new IntegerSchema().format("int64"));
    Schema<?> any = new Schema<>().description("nested arrays or a flat array of the datatype");
    return Map.of(
        "OipError", object(Map.of("error", new StringSchema()), "error"),
        "OipLive", object(Map.of("live", new BooleanSchema()), "live"),
        "OipReady", object(Map.of("ready", new BooleanSchema()), "ready"),
        "OipModelReady",
            object(
                Map.of("name", new StringSchema(), "ready", new BooleanSchema()), "name", "ready"),
        "OipInferenceRequest",
            object(
                Map.of(
                    "id",
                    new StringSchema(),
                    "parameters",
                    parameters,
                    "inputs",
                    new ArraySchema()
                        .items(
                            object(
                                Map.of(
                                    "name", new StringSchema().example("input"),
                                    "shape", shape,
                                    "datatype", new StringSchema().example("FP32"),
                                    "parameters", parameters,
                                    "data", any),
                                "name",
                                "datatype")),
                    "outputs",
                    new ArraySchema()
                        .items(
                            object(
                                Map.of("name", new StringSchema(), "parameters", parameters),
                                "name"))),
                "inputs"),
        "OipInferenceResponse",
            object(
                Map.of(
                    "model_name", new StringSchema(),
                    "model_version", new StringSchema(),
                    "id", new StringSchema(),
                    "parameters", parameters,
                    "outputs",
                        new ArraySchema()
                            .items(
                                object(
                                    Map.of(
                                        "name", new StringSchema(),
                                        "datatype", new StringSchema(),
                                        "shape", shape,
                                        "parameters", parameters,
                                        "data", any),
                                    "name",
                                    "datatype",
                                    "shape"))),
                "model_name",
                "outputs"));
  }

  private static Schema<?> object(Map<String, Schema<?>> properties, String... required) {
    Schema<?> s = new ObjectSchema();
    new java.util.TreeMap<>(properties).forEach(s::addProperty);
    s.setRequired(List.of(required));
    return s;
  }
}
