package io.kernelwise.security;

import java.time.Instant;

/** What /api/v1/keys answers; only {@link Created} carries a secret, once. */
final class KeyViews {
  private KeyViews() {}

  record NewKey(String name, String role, Instant expiresAt) {}

  record Created(
      String id,
      String name,
      Role role,
      String prefix,
      String key,
      Instant createdAt,
      Instant expiresAt) {}

  record Listed(
      String id,
      String name,
      Role role,
      String prefix,
      String source,
      Instant createdAt,
      Instant expiresAt,
      Instant lastUsedAt,
      boolean revoked,
      Instant revokedAt) {
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

  record Me(String id, String name, Role role, String prefix, boolean securityEnabled) {}

  record EventTokenRequest(String path) {}
}
