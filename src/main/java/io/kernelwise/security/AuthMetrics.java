package io.kernelwise.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code kernelwise_auth_requests_total{outcome}}: every authentication and authorization result.
 */
@Component
class AuthMetrics {
  enum Outcome {
    AUTHENTICATED,
    MISSING,
    INVALID,
    EXPIRED,
    REVOKED,
    FORBIDDEN,
    RATE_LIMITED,
    THROTTLED
  }

  private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

  AuthMetrics(MeterRegistry registry) {
    for (Outcome o : Outcome.values()) {
      counters.put(
          o,
          Counter.builder("kernelwise.auth.requests")
              .description(
                  "Requests by authentication outcome (missing/invalid/expired/revoked: 401,"
                      + " forbidden: 403, rate_limited and throttled: 429)")
              .tag("outcome", o.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
  }

  void count(Outcome outcome) {
    counters.get(outcome).increment();
  }
}
