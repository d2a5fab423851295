package io.kernelwise.security;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
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

  @PostMapping
  @Operation(
      summary = "Create a key",
      description =
          "The secret 'key' is in this response only: store it. A key cannot create a key with a"
              + " higher role than its own.")
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
  @Operation(summary = "List keys (newest first, no secrets)")
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
  @Operation(summary = "Revoke a key (the last active admin key cannot be revoked)")
  KeyViews.Listed revoke(@PathVariable String id) {
    return KeyViews.Listed.of(keys.revoke(id));
  }

  @GetMapping("/me")
  @Operation(summary = "The calling key: id, name, role, prefix, and whether security is on")
  KeyViews.Me me(@AuthenticationPrincipal Caller caller) {
    return new KeyViews.Me(
        caller.id(), caller.name(), caller.role(), caller.prefix(), properties.enabled());
  }

  @PostMapping("/me/event-tokens")
  @Operation(
      summary = "A short-lived token for one event stream",
      description =
          "For browsers' EventSource, which cannot send headers: GET <path>?access_token=<token>"
              + " works for kernelwise.security.event-token-ttl (default 60 s), on that path only."
              + " fetch() with the Authorization header streams events without one.")
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
