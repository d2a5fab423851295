package io.kernelwise.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Token buckets (Bucket4j) per key and budget, and per client address for failed authentications.
 * They live in this instance's memory: a database round trip per predict would cost more than the
 * predict's own overhead budget, so with N replicas a key gets up to N times its budget.
 */
@Component
class RateLimits {
  private final SecurityProperties.RateLimits limits;
  private final Cache<String, Bucket> predict;
  private final Cache<String, Bucket> mutating;
  private final Cache<String, Bucket> failedAuth;

  RateLimits(SecurityProperties properties) {
    this.limits = properties.rateLimits();
    this.predict = cache(10_000);
    this.mutating = cache(10_000);
    this.failedAuth = cache(100_000); // bounded: addresses are the attacker's choice
  }

  private static Cache<String, Bucket> cache(long max) {
    return Caffeine.newBuilder().maximumSize(max).expireAfterAccess(Duration.ofHours(1)).build();
  }

  private static Bucket bucket(SecurityProperties.Budget budget) {
    return Bucket.builder()
        .addLimit(
            l -> l.capacity(budget.capacity()).refillGreedy(budget.capacity(), budget.period()))
        .build();
  }

  /** 0 when the call may go ahead, else nanoseconds until it may. */
  long consume(String keyId, AccessRules.Budget budget) {
    Bucket bucket =
        switch (budget) {
          case NONE -> null;
          case PREDICT -> predict.get(keyId, k -> bucket(limits.predict()));
          case MUTATING -> mutating.get(keyId, k -> bucket(limits.mutating()));
        };
    if (bucket == null) {
      return 0;
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }

  /** 0 when {@code address} may try a key now, else nanoseconds until it may. */
  long failedAuthWait(String address) {
    Bucket bucket = failedAuth.getIfPresent(address);
    if (bucket == null) {
      return 0;
    }
    long wait = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
    return bucket.getAvailableTokens() > 0 ? 0 : Math.max(1, wait);
  }

  void failedAuth(String address) {
    failedAuth.get(address, a -> bucket(limits.failedAuth())).tryConsume(1);
  }
}
