package io.kernelwise.security;

/**
 * Who is calling: a key's id, name, role and public prefix. With security disabled every request is
 * an anonymous admin ({@code id} and {@code prefix} null).
 */
public record Caller(String id, String name, Role role, String prefix) {
  static final Caller SECURITY_DISABLED =
      new Caller(null, "anonymous (security disabled)", Role.ADMIN, null);

  static Caller of(ApiKey key) {
    return new Caller(key.id(), key.name(), key.role(), key.prefix());
  }
}
