package io.kernelwise.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The bearer scheme (Swagger UI's "Authorize" button) and, on every operation, its security
 * requirement (none for open ones), the role it needs and its 401 / 403 / 429 responses, all
 * derived from {@link AccessRules} so the document cannot disagree with what is enforced.
 */
@Component
class OpenApiSecurity implements OpenApiCustomizer {
  static final String SCHEME = "bearer";
  static final String EVENT_TOKEN = "eventToken";
  private final AccessRules rules;
  private final SecurityProperties properties;

  OpenApiSecurity(AccessRules rules, SecurityProperties properties) {
    this.rules = rules;
    this.properties = properties;
  }

  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      openApi.setComponents(new Components());
    }
    openApi
        .getComponents()
        .addSecuritySchemes(
            SCHEME,
            new SecurityScheme()
                .type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .description(
                    "An API key: 'Authorization: Bearer <key>'. The first admin key is in"
                        + " <data-dir>/admin.key or kernelwise.security.admin-key."));
    openApi
        .getComponents()
        .addSecuritySchemes(
            EVENT_TOKEN,
            new SecurityScheme()
                .type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.QUERY)
                .name(EventTokens.PARAMETER)
                .description(
                    "For event streams only (browsers' EventSource cannot send headers): a"
                        + " short-lived token from POST /api/v1/keys/me/event-tokens."));
    if (openApi.getPaths() == null) {
      return;
    }
    openApi
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap().forEach((method, op) -> secure(path, method, op)));
  }

  private void secure(String path, PathItem.HttpMethod method, Operation op) {
    AccessRules.Access access = rules.of(method.name(), path);
    if (access.open() || !properties.enabled()) {
      op.setSecurity(List.of());
      return;
    }
    op.setSecurity(
        EventTokens.eligible(path)
            ? List.of(
                new SecurityRequirement().addList(SCHEME),
                new SecurityRequirement().addList(EVENT_TOKEN))
            : List.of(new SecurityRequirement().addList(SCHEME)));
    String note = "Requires an API key with the '" + access.role().wire() + "' role.";
    op.setDescription(op.getDescription() == null ? note : op.getDescription() + "\n\n" + note);
    if (op.getResponses() == null) {
      op.setResponses(new ApiResponses());
    }
    boolean oip = path.startsWith("/v2");
    op.getResponses()
        .addApiResponse(
            "401",
            error(oip, "No API key, or one that is unknown, expired or revoked")
                .addHeaderObject("WWW-Authenticate", new Header().schema(new StringSchema())));
    op.getResponses()
        .addApiResponse(
            "403", error(oip, "The key's role is below '" + access.role().wire() + "'"));
    // every secured operation: unknown keys from one address are slowed down too
    String limit =
        access.budget() == AccessRules.Budget.NONE
            ? "Too many failed authentications from this address"
            : "Over the key's rate limit, or too many failed authentications from this address";
    op.getResponses()
        .addApiResponse(
            "429",
            error(oip, limit)
                .addHeaderObject(
                    "Retry-After",
                    new Header().description("seconds").schema(new IntegerSchema())));
  }

  private static ApiResponse error(boolean oip, String description) {
    // under /api the Problem schema of system.ProblemDocs, which fills in the content
    Schema<?> schema =
        oip
            ? new ObjectSchema()
                .properties(Map.of("error", new StringSchema()))
                .required(List.of("error"))
            : new Schema<>().$ref("#/components/schemas/Problem");
    String type = oip ? "application/json" : "application/problem+json";
    return new ApiResponse()
        .description(description)
        .content(new Content().addMediaType(type, new MediaType().schema(schema)));
  }
}
