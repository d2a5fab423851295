package io.kernelwise.security;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * One mutating call: who (key id, prefix, name), what ({@code action}: method and route), which
 * resource (the path), the status and its outcome ({@code succeeded}, {@code denied}, {@code
 * failed}).
 */
public record AuditEvent(
    String id,
    Instant at,
    @Schema(description = "null for a call without a (known) key", nullable = true) String keyId,
    @Schema(nullable = true) String keyPrefix,
    @Schema(nullable = true) String keyName,
    String method,
    String action,
    String resource,
    int status,
    String outcome,
    @Schema(nullable = true) String remoteAddress) {}
