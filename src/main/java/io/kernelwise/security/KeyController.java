package io.kernelwise.security;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/keys")
@Tag(name = "keys", description = "API keys (admin), the caller's own key, event-stream tokens")
class KeyController {
  private final ApiKeys keys;
  private final EventTokens eventTokens;
  private final SecurityProperties properties;

  KeyController(ApiKeys keys, EventTokens eventTokens, SecurityProperties properties) {
    this.keys = keys;
    this.eventTokens = eventTokens;
    this.properties = properties;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "createKey",
      summary = "Create a key",
      description =
          "The secret 'key' is in this response only: store it. A key cannot create a key with a"
              + " higher role than its own.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = KeyViews.NewKey.class),
                      examples =
                          @ExampleObject(
                              name = "a trainer key",
                              value = "{\"name\": \"ci-trainer\", \"role\": \"trainer\"}"))))
  @ApiResponse(
      responseCode = "201",
      description = "created: the secret key is in this response only")
  ResponseEntity<KeyViews.Created> create(
      @RequestBody KeyViews.NewKey body, @AuthenticationPrincipal Caller caller) {
    Role role = body.role() == null ? null : Role.parse(body.role());
    if (body.role() != null && role == null) {
      throw ApiException.invalid("role", "must be one of reader, trainer, admin");
    }
    ApiKeys.Created created = keys.create(body.name(), role, body.expiresAt(), caller);
    ApiKey k = created.key();
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            new KeyViews.Created(
                k.id(),
                k.name(),
                k.role(),
                k.prefix(),
                created.secret(),
                k.createdAt(),
                k.expiresAt()));
  }

  @GetMapping
  @Operation(operationId = "listKeys", summary = "List keys (newest first, no secrets)")
  Page<KeyViews.Listed> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
    int offset = Page.offset(page, size);
    return new Page<>(
        keys.page(offset, size).stream().map(KeyViews.Listed::of).toList(),
        page,
        size,
        keys.count());
  }

  @DeleteMapping("/{id}")
  @Operation(
      operationId = "revokeKey",
      summary = "Revoke a key (the last active admin key cannot be revoked)")
  @ApiResponse(responseCode = "200", description = "revoked")
  @ApiResponse(responseCode = "409", description = "the last active admin key")
  KeyViews.Listed revoke(@PathVariable String id) {
    return KeyViews.Listed.of(keys.revoke(id));
  }

  @GetMapping("/me")
  @Operation(
      operationId = "getOwnKey",
      summary = "The calling key: id, name, role, prefix, and whether security is on")
  KeyViews.Me me(@AuthenticationPrincipal Caller caller) {
    return new KeyViews.Me(
        caller.id(), caller.name(), caller.role(), caller.prefix(), properties.enabled());
  }

  @PostMapping(path = "/me/event-tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "createEventToken",
      summary = "A short-lived token for one event stream",
      description =
          "For browsers' EventSource, which cannot send headers: GET <path>?access_token=<token>"
              + " works for kernelwise.security.event-token-ttl (default 60 s), on that path only."
              + " fetch() with the Authorization header streams events without one.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = KeyViews.EventTokenRequest.class),
                      examples =
                          @ExampleObject(
                              name = "a job's events",
                              value = "{\"path\": \"/api/v1/jobs/j-4f1c2a9b/events\"}"))))
  @ApiResponse(responseCode = "201", description = "the token")
  @ApiResponse(responseCode = "409", description = "security is disabled: no token needed")
  ResponseEntity<EventTokens.Issued> eventToken(
      @RequestBody KeyViews.EventTokenRequest body, @AuthenticationPrincipal Caller caller) {
    if (body.path() == null || !EventTokens.eligible(body.path()) || body.path().contains("?")) {
      throw ApiException.invalid(
          "path", "must be an event stream path such as /api/v1/jobs/{id}/events");
    }
    if (caller.id() == null) {
      throw ApiException.conflict("security is disabled: event streams need no token");
    }
    ApiKey key =
        keys.byId(caller.id()).orElseThrow(() -> ApiException.notFound("API key", caller.id()));
    return ResponseEntity.status(HttpStatus.CREATED).body(eventTokens.issue(key, body.path()));
  }
}
