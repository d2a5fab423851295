package io.kernelwise.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Key material. A generated key is {@code kw_<8 hex>_<43 base64url>}: the first part is its public
 * prefix, the rest 256 random bits. Keys are stored as their SHA-256: a slow password hash (bcrypt,
 * Argon2) protects guessable secrets, but a 256-bit random key cannot be brute-forced through its
 * hash, and SHA-256 keeps each request's check at about a microsecond instead of ~50 ms.
 */
final class Secrets {
  static final String KEY_START = "kw_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A new key; its prefix is {@link #prefix}. */
  static String newKey() {
    byte[] id = new byte[4];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    return KEY_START
        + HexFormat.of().formatHex(id)
        + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /**
   * The public part of a key for display and logs: a generated key's own prefix, and for any other
   * string (a configured key) {@code cfg_} plus 8 hex digits of its hash, so none of it is shown.
   */
  static String prefix(String key) {
    int cut = key.indexOf('_', KEY_START.length());
    if (key.startsWith(KEY_START) && cut == KEY_START.length() + 8) {
      return key.substring(0, cut);
    }
    return "cfg_" + sha256(key).substring(0, 8);
  }

  static String sha256(String key) {
    return HexFormat.of().formatHex(digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
