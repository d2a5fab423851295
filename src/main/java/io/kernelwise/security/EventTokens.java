package io.kernelwise.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Short-lived tokens for one event stream, for browsers' {@code EventSource}, which cannot send an
 * {@code Authorization} header: {@code ?access_token=} on that one GET path and nothing else. A
 * token is {@code ev1.<key id>.<expiry>.<HMAC-SHA256>} keyed by the issuing key's stored hash, so
 * any replica can check it, it never contains the key's secret, and revoking the key voids it.
 */
@Component
class EventTokens {
  static final String PARAMETER = "access_token";
  private static final String VERSION = "ev1";

  private final ApiKeys keys;
  private final SecurityProperties properties;
  private final Clock clock;

  EventTokens(ApiKeys keys, SecurityProperties properties) {
    this.keys = keys;
    this.properties = properties;
    this.clock = Clock.systemUTC();
  }

  /** Whether a token may be used on {@code path} at all: event streams only. */
  static boolean eligible(String path) {
    return path.startsWith("/api/v1/") && path.endsWith("/events");
  }

  @io.swagger.v3.oas.annotations.media.Schema(name = "EventToken")
  record Issued(String token, String path, Instant expiresAt) {}

  Issued issue(ApiKey key, String path) {
    Instant expires = clock.instant().plus(properties.eventTokenTtl());
    long epoch = expires.getEpochSecond();
    String token = VERSION + "." + key.id() + "." + epoch + "." + mac(key, path, epoch);
    return new Issued(token, path, Instant.ofEpochSecond(epoch));
  }

  Optional<ApiKey> verify(String token, String path) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals(VERSION)) {
      return Optional.empty();
    }
    long epoch;
    try {
      epoch = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (clock.instant().getEpochSecond() >= epoch) {
      return Optional.empty();
    }
    return keys.byId(parts[1])
        .filter(k -> k.active(clock.instant()))
        .filter(
            k ->
                MessageDigest.isEqual(
                    mac(k, path, epoch).getBytes(StandardCharsets.US_ASCII),
                    parts[3].getBytes(StandardCharsets.US_ASCII)));
  }

  private static String mac(ApiKey key, String path, long epoch) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.hash().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      byte[] out =
          mac.doFinal(
              (VERSION + "\n" + key.id() + "\n" + epoch + "\n" + path)
                  .getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
