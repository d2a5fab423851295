package io.kernelwise.security;

import java.time.Instant;

/**
 * A stored key: never its secret, only the SHA-256 of it ({@code hash}). {@code source}: {@code
 * api} (created through /api/v1/keys), {@code generated} (first start), {@code config} ({@code
 * kernelwise.security.admin-key}).
 */
record ApiKey(
    String id,
    String name,
    Role role,
    String prefix,
    String hash,
    String source,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    boolean revoked,
    Instant revokedAt) {

  boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  boolean active(Instant now) {
    return !revoked && !expired(now);
  }
}
