package io.kernelwise.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.Names;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates, checks and revokes keys. A found key is cached for {@code key-cache-ttl} so a request
 * costs a hash and a map lookup, not a database query; {@code last_used_at} is written at most once
 * a minute per key.
 */
@Service
class ApiKeys {
  static final int MIN_CONFIGURED_LENGTH = 32;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  /** What a presented secret turned out to be. */
  enum Outcome {
    AUTHENTICATED,
    INVALID,
    EXPIRED,
    REVOKED
  }

  record Check(Outcome outcome, ApiKey key) {}

  /** A new key and, once, its secret. */
  record Created(ApiKey key, String secret) {}

  private final ApiKeyStore store;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Cache<String, ApiKey> byHash;
  private final Cache<String, Instant> touched =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(TOUCH_EVERY).build();

  ApiKeys(ApiKeyStore store, TransactionTemplate tx, SecurityProperties properties) {
    this.store = store;
    this.tx = tx;
    this.clock = Clock.systemUTC();
    this.byHash =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(properties.keyCacheTtl())
            .build();
  }

  Check check(String secret) {
    String hash = Secrets.sha256(secret);
    ApiKey key = byHash.getIfPresent(hash);
    if (key == null) {
      key = store.byHash(hash).orElse(null);
      if (key == null) {
        return new Check(Outcome.INVALID, null); // unknown hashes are not cached: no cache flood
      }
      byHash.put(hash, key);
    }
    Instant now = clock.instant();
    if (key.revoked()) {
      return new Check(Outcome.REVOKED, key);
    }
    if (key.expired(now)) {
      return new Check(Outcome.EXPIRED, key);
    }
    if (touched.asMap().putIfAbsent(key.id(), now) == null) {
      store.touch(key.id(), now);
    }
    return new Check(Outcome.AUTHENTICATED, key);
  }

  Optional<ApiKey> byId(String id) {
    return store.byId(id);
  }

  Created create(String name, Role role, Instant expiresAt, Caller creator) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw ApiException.invalid("name", "is required: 1 to 200 characters");
    }
    name = Names.check("name", name);
    if (role == null) {
      throw ApiException.invalid("role", "is required: one of reader, trainer, admin");
    }
    Instant now = clock.instant();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw ApiException.invalid("expiresAt", "must be in the future");
    }
    if (!creator.role().includes(role)) {
      throw new ApiException(
          HttpStatus.FORBIDDEN,
          "Forbidden",
          "a " + creator.role().wire() + " key cannot create a " + role.wire() + " key");
    }
    String secret = Secrets.newKey();
    ApiKey key =
        new ApiKey(
            UUID.randomUUID().toString(),
            name.strip(),
            role,
            Secrets.prefix(secret),
            Secrets.sha256(secret),
            "api",
            creator.id(),
            now,
            expiresAt,
            null,
            false,
            null);
    store.insert(key);
    return new Created(key, secret);
  }

  /**
   * Stores a bootstrap admin key unless its id or hash is already there (another replica stored it
   * first): false then.
   */
  boolean insertBootstrap(String id, String secret, String name, String source) {
    ApiKey key =
        new ApiKey(
            id,
            name,
            Role.ADMIN,
            Secrets.prefix(secret),
            Secrets.sha256(secret),
            source,
            null,
            clock.instant(),
            null,
            null,
            false,
            null);
    try {
      store.insert(key);
      return true;
    } catch (DuplicateKeyException e) {
      return false; // another replica stored it first
    }
  }

  Optional<ApiKey> byHashOf(String secret) {
    return store.byHash(Secrets.sha256(secret));
  }

  long count() {
    return store.count();
  }

  List<ApiKey> page(int offset, int size) {
    return store.page(offset, size);
  }

  /** Revokes a key; the last active admin key stays (there would be no way back in). */
  ApiKey revoke(String id) {
    ApiKey revoked =
        tx.execute(
            status -> {
              store.lockAdmins();
              ApiKey key = store.byId(id).orElseThrow(() -> ApiException.notFound("API key", id));
              Instant now = clock.instant();
              if (key.role() == Role.ADMIN
                  && key.active(now)
                  && store.otherActiveAdmins(key.id(), now) == 0) {
                throw ApiException.conflict(
                    "'" + key.name() + "' is the last active admin key and cannot be revoked");
              }
              store.revoke(id, now);
              return store.byId(id).orElseThrow();
            });
    byHash.invalidate(revoked.hash());
    return revoked;
  }
}
