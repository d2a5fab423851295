package io.kernelwise.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Stores one audit row per mutating call made by a caller (403s included; 401s and 429s are only
 * counted, so a flood cannot fill the table). It wraps authorization and the controller, so the
 * status it records is the one the client got. Not a bean, like {@link ApiKeyFilter}.
 */
final class AuditFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
  private final AccessRules rules;
  private final AuditStore store;
  private final Clock clock = Clock.systemUTC();

  AuditFilter(AccessRules rules, AuditStore store) {
    this.rules = rules;
    this.store = store;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (!(auth instanceof CallerAuthentication caller)
        || rules.of(request).budget() != AccessRules.Budget.MUTATING) {
      chain.doFilter(request, response);
      return;
    }
    int status = 500;
    try {
      chain.doFilter(request, response);
      status = response.getStatus();
    } finally {
      record(request, caller.getPrincipal(), status);
    }
  }

  private static String cut(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }

  private void record(HttpServletRequest request, Caller caller, int status) {
    String path = ApiKeyFilter.path(request);
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String outcome =
        status < 400 ? "succeeded" : status == 401 || status == 403 ? "denied" : "failed";
    try {
      store.insert(
          new AuditEvent(
              UUID.randomUUID().toString(),
              clock.instant(),
              caller.id(),
              caller.prefix(),
              caller.name(),
              request.getMethod(),
              cut(request.getMethod() + " " + (pattern != null ? pattern : path), 300),
              cut(path, 2000),
              status,
              outcome,
              request.getRemoteAddr()));
    } catch (RuntimeException e) {
      // the call itself is done; losing its audit row must not turn it into an error
      log.error("could not store the audit row of {} {}", request.getMethod(), path, e);
    }
  }
}
