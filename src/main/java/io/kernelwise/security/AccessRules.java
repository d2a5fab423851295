package io.kernelwise.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The one table of who may call what, used by authorization, by the 403 message naming the role
 * needed, by the rate limits and by the audit trail. Under {@code /api}, {@code /v2} and {@code
 * /actuator} reads need {@code reader} and everything else {@code trainer} unless a rule says
 * otherwise; elsewhere (Swagger UI, the dashboard's static files) GET is open and every other
 * method needs {@code trainer}, so an endpoint added without a rule is never open for writes.
 */
@Component
class AccessRules {
  /** Who may call: nobody needs a key, or a key with at least {@code role}. */
  record Access(Role role, Budget budget) {
    static final Access OPEN = new Access(null, Budget.NONE);

    boolean open() {
      return role == null;
    }
  }

  /** Which per-key rate limit a call draws on. */
  enum Budget {
    NONE,
    PREDICT,
    MUTATING
  }

  private record Rule(String method, PathPattern pattern, Access access) {}

  private static final PathPatternParser PARSER = new PathPatternParser();
  private static final Access READ = new Access(Role.READER, Budget.NONE);
  private static final Access PREDICT = new Access(Role.READER, Budget.PREDICT);
  private static final Access WRITE = new Access(Role.TRAINER, Budget.MUTATING);
  private static final Access ADMIN_READ = new Access(Role.ADMIN, Budget.NONE);
  private static final Access ADMIN_WRITE = new Access(Role.ADMIN, Budget.MUTATING);

  private final List<Rule> rules;

  AccessRules(SecurityProperties properties) {
    Access docs = properties.openApiDocs() ? Access.OPEN : READ;
    this.rules =
        List.of(
            rule("*", "/actuator/health/**", Access.OPEN),
            rule("GET", "/actuator/info", Access.OPEN),
            rule("GET", "/actuator/prometheus", properties.openMetrics() ? Access.OPEN : READ),
            rule("GET", "/v2/health/**", Access.OPEN),
            rule("GET", "/v3/api-docs/**", docs),
            rule("GET", "/swagger-ui.html", docs),
            rule("GET", "/swagger-ui/**", docs),
            rule("GET", "/api/v1/keys/me", READ),
            rule("POST", "/api/v1/keys/me/event-tokens", new Access(Role.READER, Budget.PREDICT)),
            rule("GET", "/api/v1/keys/**", ADMIN_READ),
            rule("*", "/api/v1/keys/**", ADMIN_WRITE),
            rule("GET", "/api/v1/audit/**", ADMIN_READ),
            rule("*", "/api/v1/audit/**", ADMIN_WRITE),
            rule("DELETE", "/api/v1/models/{id}", ADMIN_WRITE),
            rule("POST", "/api/v1/models/{id}/predict", PREDICT),
            rule("POST", "/api/v1/architectures/analyze", PREDICT),
            rule("POST", "/v2/models/{name}/infer", PREDICT),
            rule("POST", "/v2/models/{name}/versions/{version}/infer", PREDICT));
  }

  private static Rule rule(String method, String pattern, Access access) {
    return new Rule(method, PARSER.parse(pattern), access);
  }

  Access of(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return of(request.getMethod(), path);
  }

  Access of(String method, String path) {
    boolean read = "GET".equals(method) || "HEAD".equals(method);
    if ("OPTIONS".equals(method)) {
      return Access.OPEN; // CORS preflights are answered (or refused) by the CORS filter
    }
    PathContainer container = PathContainer.parsePath(path);
    String m = "HEAD".equals(method) ? "GET" : method;
    for (Rule rule : rules) {
      if ((rule.method().equals("*") || rule.method().equals(m))
          && rule.pattern().matches(container)) {
        return rule.access();
      }
    }
    if (path.startsWith("/api/")
        || path.startsWith("/v2/")
        || path.equals("/v2")
        || path.startsWith("/actuator")) {
      return read ? READ : WRITE;
    }
    return read ? Access.OPEN : WRITE;
  }
}
