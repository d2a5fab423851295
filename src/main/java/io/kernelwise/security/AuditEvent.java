package io.kernelwise.security;

import java.time.Instant;

/**
 * One mutating call: who (key id, prefix, name), what ({@code action}: method and route), which
 * resource (the path), the status and its outcome ({@code succeeded}, {@code denied}, {@code
 * failed}).
 */
public record AuditEvent(
    String id,
    Instant at,
    String keyId,
    String keyPrefix,
    String keyName,
    String method,
    String action,
    String resource,
    int status,
    String outcome,
    String remoteAddress) {}
