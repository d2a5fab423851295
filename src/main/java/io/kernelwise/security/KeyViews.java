package io.kernelwise.security;

import io.kernelwise.system.RequestRecord;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** What /api/v1/keys answers; only {@link Created} carries a secret, once. */
final class KeyViews {
  private KeyViews() {}

  @RequestRecord
  @Schema(name = "NewKey")
  record NewKey(
      @Schema(example = "ci-trainer", requiredMode = Schema.RequiredMode.REQUIRED) String name,
      @Schema(
              description = "default reader",
              allowableValues = {"reader", "trainer", "admin"},
              example = "trainer")
          String role,
      @Schema(description = "never expires when left out") Instant expiresAt) {}

  @Schema(name = "CreatedKey")
  record Created(
      String id,
      String name,
      Role role,
      String prefix,
      @Schema(description = "the secret: shown in this response only") String key,
      Instant createdAt,
      @Schema(description = "null: never expires", nullable = true) Instant expiresAt) {}

  @Schema(name = "Key")
  record Listed(
      String id,
      String name,
      Role role,
      String prefix,
      @Schema(description = "where the key came from (bootstrap, api)", nullable = true)
          String source,
      Instant createdAt,
      @Schema(description = "null: never expires", nullable = true) Instant expiresAt,
      @Schema(nullable = true) Instant lastUsedAt,
      boolean revoked,
      @Schema(nullable = true) Instant revokedAt) {
    static Listed of(ApiKey k) {
      return new Listed(
          k.id(),
          k.name(),
          k.role(),
          k.prefix(),
          k.source(),
          k.createdAt(),
          k.expiresAt(),
          k.lastUsedAt(),
          k.revoked(),
          k.revokedAt());
    }
  }

  @Schema(name = "OwnKey")
  record Me(
      @Schema(description = "null when security is disabled", nullable = true) String id,
      @Schema(nullable = true) String name,
      Role role,
      @Schema(nullable = true) String prefix,
      boolean securityEnabled) {}

  @Schema(name = "EventTokenRequest")
  record EventTokenRequest(
      @Schema(description = "the event stream's path", example = "/api/v1/jobs/j-4f1c2a9b/events")
          String path) {}
}
