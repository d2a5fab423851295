/**
 * Who may call what: API keys sent as {@code Authorization: Bearer <key>} (stored only as SHA-256
 * hashes), roles reader &lt; trainer &lt; admin, the first-start admin key, per-key rate limits,
 * the audit trail of mutating calls, CORS and security headers.
 */
package io.kernelwise.security;
