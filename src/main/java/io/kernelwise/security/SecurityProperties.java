package io.kernelwise.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kernelwise.security.*}. {@code adminKey}: a bootstrap admin key from configuration (a
 * Kubernetes Secret, at least 32 characters); without it the first start generates one into {@code
 * <data-dir>/admin.key}. {@code keyCacheTtl}: how long an authenticated key is trusted without
 * reading the database again, i.e. how late a revocation made on another replica takes effect.
 * {@code openMetrics}: serve {@code /actuator/prometheus} without a key (a private scrape network).
 */
@ConfigurationProperties("kernelwise.security")
public record SecurityProperties(
    @DefaultValue("true") boolean enabled,
    String adminKey,
    @DefaultValue("true") boolean openApiDocs,
    @DefaultValue("false") boolean openMetrics,
    @DefaultValue Cors cors,
    @DefaultValue RateLimits rateLimits,
    @DefaultValue("60s") Duration eventTokenTtl,
    @DefaultValue("5s") Duration keyCacheTtl) {

  /** Origins allowed to call the API from a browser page of another site; none by default. */
  public record Cors(@DefaultValue List<String> allowedOrigins) {}

  /**
   * Budgets per key: {@code predict} (predict, infer, analyze), {@code mutating} (every other
   * non-GET call); {@code failedAuth}: invalid keys per client address before it must wait.
   */
  public record RateLimits(Budget predict, Budget mutating, Budget failedAuth) {
    public RateLimits {
      predict = predict != null ? predict : new Budget(1000, Duration.ofSeconds(1));
      mutating = mutating != null ? mutating : new Budget(120, Duration.ofMinutes(1));
      failedAuth = failedAuth != null ? failedAuth : new Budget(20, Duration.ofMinutes(1));
    }
  }

  /** {@code capacity} calls, refilled evenly over {@code period}. */
  public record Budget(long capacity, Duration period) {
    public Budget {
      if (capacity < 1 || period == null || period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException(
            "a rate-limit budget needs capacity >= 1 and a positive period");
      }
    }
  }
}
