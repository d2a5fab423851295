package io.kernelwise.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * One {@code Problem} schema (RFC 9457 as {@link ProblemHandling} and the security filters write
 * it) on every error response of every {@code /api/v1} operation. Each operation gets the errors
 * any of them can return: 400 (a bad parameter, body or id), 404 when it names a resource by a path
 * id, 413 and 415 when it takes a body, 500; the security customizer adds 401/403/429 and
 * controllers declare the others (409, 413, 503) with a description only: the content is filled in
 * here, so no operation can type an error as its success body. Runs last, after every other
 * customizer.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class ProblemDocs implements OpenApiCustomizer {
  static final String PROBLEM = "Problem";
  static final String PROBLEM_JSON = "application/problem+json";

  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      openApi.setComponents(new Components());
    }
    openApi.getComponents().addSchemas("FieldProblem", fieldProblem());
    openApi.getComponents().addSchemas(PROBLEM, problem());
    if (openApi.getPaths() == null) {
      return;
    }
    openApi
        .getPaths()
        .forEach(
            (path, item) -> {
              if (path.startsWith("/api/")) {
                item.readOperations().forEach(ProblemDocs::errors);
              }
            });
  }

  private static void errors(Operation op) {
    if (op.getResponses() == null) {
      op.setResponses(new ApiResponses());
    }
    ApiResponses responses = op.getResponses();
    add(responses, HttpStatus.BAD_REQUEST, "invalid request: the problem's errors name each field");
    List<Parameter> params = op.getParameters() == null ? List.of() : op.getParameters();
    if (params.stream().anyMatch(p -> "path".equals(p.getIn()))) {
      add(responses, HttpStatus.NOT_FOUND, "no such resource");
    }
    if (op.getRequestBody() != null) {
      add(responses, HttpStatus.PAYLOAD_TOO_LARGE, "the body is over a configured size limit");
      add(
          responses,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "a Content-Type the operation does not take");
    }
    add(responses, HttpStatus.INTERNAL_SERVER_ERROR, "unexpected error (logged)");
    Map<String, ApiResponse> sorted = new LinkedHashMap<>();
    responses.keySet().stream().sorted().forEach(k -> sorted.put(k, responses.get(k)));
    responses.clear();
    sorted.forEach(
        (code, response) -> {
          if (code.length() == 3 && code.charAt(0) >= '4') {
            response.setContent(
                new Content()
                    .addMediaType(
                        PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(ref(PROBLEM)))));
          }
          responses.addApiResponse(code, response);
        });
  }

  private static void add(ApiResponses responses, HttpStatus status, String description) {
    String code = Integer.toString(status.value());
    if (!responses.containsKey(code)) {
      responses.addApiResponse(code, new ApiResponse().description(description));
    }
  }

  private static Schema<?> problem() {
    Schema<?> s =
        new ObjectSchema()
            .description(
                "RFC 9457 problem details. Validation problems list each bad field in errors.")
            .addProperty(
                "type",
                new StringSchema()
                    .description("a URI reference naming the problem type; about:blank if absent")
                    .example("about:blank"))
            .addProperty("title", new StringSchema().example("Invalid request"))
            .addProperty(
                "status", new IntegerSchema().minimum(big(400)).maximum(big(599)).example(400))
            .addProperty(
                "detail",
                new StringSchema()
                    .description("what is wrong, for a person to act on")
                    .example("layers[3].groups: must divide the input channels (64)"))
            .addProperty(
                "instance",
                new StringSchema().description("the request path").example("/api/v1/architectures"))
            .addProperty(
                "errors",
                new ArraySchema()
                    .items(new Schema<>().$ref(ref("FieldProblem")))
                    .description("one entry per bad field (validation problems only)"));
    s.setRequired(List.of("title", "status"));
    return s;
  }

  private static Schema<?> fieldProblem() {
    Schema<?> s =
        new ObjectSchema()
            .description("one bad field of a request")
            .addProperty(
                "field",
                new StringSchema()
                    .description(
                        "the field's path, e.g. layers[3].groups or hyperparameters.epochs")
                    .example("layers[3].groups"))
            .addProperty(
                "message",
                new StringSchema()
                    .description("what is wrong with it")
                    .example("must divide the input channels (64)"));
    s.setRequired(List.of("field", "message"));
    return s;
  }

  private static java.math.BigDecimal big(int v) {
    return java.math.BigDecimal.valueOf(v);
  }

  static String ref(String schema) {
    return "#/components/schemas/" + schema;
  }
}
