package io.kernelwise.security;

import io.kernelwise.security.AuthMetrics.Outcome;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <key>} (or an event token on an event stream), answers 401 for
 * a key that is unknown, expired or revoked, 429 for an address with too many failed attempts or a
 * key over its budget, and otherwise makes the key the request's {@link CallerAuthentication}. A
 * request without a key goes on anonymous; authorization then decides (401 unless the path is
 * open). Not a bean: Spring Boot would register it a second time as a servlet filter.
 */
final class ApiKeyFilter extends OncePerRequestFilter {
  private static final String BEARER = "Bearer ";

  private final boolean enabled;
  private final ApiKeys keys;
  private final EventTokens eventTokens;
  private final AccessRules rules;
  private final RateLimits limits;
  private final AuthMetrics metrics;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  ApiKeyFilter(
      boolean enabled,
      ApiKeys keys,
      EventTokens eventTokens,
      AccessRules rules,
      RateLimits limits,
      AuthMetrics metrics) {
    this.enabled = enabled;
    this.keys = keys;
    this.eventTokens = eventTokens;
    this.rules = rules;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!enabled) {
      authenticate(Caller.SECURITY_DISABLED);
      chain.doFilter(request, response);
      return;
    }
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    String token = header == null ? eventToken(request) : null;
    if (header == null && token == null) {
      chain.doFilter(request, response); // anonymous: open paths pass, the rest get 401
      return;
    }
    String address = request.getRemoteAddr();
    Optional<ApiKey> key;
    if (header != null) {
      if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        metrics.count(Outcome.INVALID);
        SecurityResponses.invalidKey(
            request, response, "send the API key as 'Authorization: Bearer <key>'");
        return;
      }
      long wait = limits.failedAuthWait(address);
      if (wait > 0) {
        metrics.count(Outcome.THROTTLED);
        SecurityResponses.tooMany(
            request, response, wait, "too many failed authentications from " + address);
        return;
      }
      ApiKeys.Check check = keys.check(header.substring(BEARER.length()).strip());
      if (check.outcome() != ApiKeys.Outcome.AUTHENTICATED) {
        fail(request, response, address, check.outcome());
        return;
      }
      key = Optional.of(check.key());
    } else {
      long wait = limits.failedAuthWait(address);
      if (wait > 0) {
        metrics.count(Outcome.THROTTLED);
        SecurityResponses.tooMany(
            request, response, wait, "too many failed authentications from " + address);
        return;
      }
      key = eventTokens.verify(token, path(request));
      if (key.isEmpty()) {
        fail(request, response, address, ApiKeys.Outcome.INVALID);
        return;
      }
    }
    ApiKey k = key.get();
    long wait = limits.consume(k.id(), rules.of(request).budget());
    if (wait > 0) {
      metrics.count(Outcome.RATE_LIMITED);
      SecurityResponses.tooMany(
          request, response, wait, "key " + k.prefix() + " is over its rate limit");
      return;
    }
    metrics.count(Outcome.AUTHENTICATED);
    authenticate(Caller.of(k));
    chain.doFilter(request, response);
  }

  private void fail(
      HttpServletRequest request,
      HttpServletResponse response,
      String address,
      ApiKeys.Outcome outcome)
      throws IOException {
    limits.failedAuth(address);
    String detail =
        switch (outcome) {
          case EXPIRED -> "the API key has expired";
          case REVOKED -> "the API key has been revoked";
          default -> "the API key is not valid";
        };
    metrics.count(
        switch (outcome) {
          case EXPIRED -> Outcome.EXPIRED;
          case REVOKED -> Outcome.REVOKED;
          default -> Outcome.INVALID;
        });
    SecurityResponses.invalidKey(request, response, detail);
  }

  /** An event token, only on a GET of an event stream (never read from a form body). */
  private static String eventToken(HttpServletRequest request) {
    if (!"GET".equals(request.getMethod()) || !EventTokens.eligible(path(request))) {
      return null;
    }
    return request.getParameter(EventTokens.PARAMETER);
  }

  static String path(HttpServletRequest request) {
    return request.getRequestURI().substring(request.getContextPath().length());
  }

  private void authenticate(Caller caller) {
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(new CallerAuthentication(caller));
    contexts.setContext(context);
  }
}
