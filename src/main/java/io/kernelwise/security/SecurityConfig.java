package io.kernelwise.security;

import io.kernelwise.security.AuthMetrics.Outcome;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Stateless API-key security: no sessions, cookies or CSRF tokens (a browser cannot attach the
 * {@code Authorization} header cross-site without a CORS preflight, which is refused unless the
 * origin is configured), authorization from {@link AccessRules}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfig {
  /** The dashboard's policy (see TEAM contract): no inline scripts or styles. */
  static final String DASHBOARD_CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
          + " connect-src 'self'; frame-ancestors 'none'";

  /** Swagger UI sets inline style attributes from its scripts; its scripts are all files. */
  static final String SWAGGER_CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; connect-src 'self'; frame-ancestors 'none'";

  @Bean
  SecurityFilterChain apiKeySecurity(
      HttpSecurity http,
      SecurityProperties properties,
      ApiKeys keys,
      EventTokens eventTokens,
      AccessRules rules,
      RateLimits limits,
      AuthMetrics metrics,
      AuditStore audit)
      throws Exception {
    ApiKeyFilter keyFilter =
        new ApiKeyFilter(properties.enabled(), keys, eventTokens, rules, limits, metrics);
    RequestMatcher swagger =
        request -> {
          String path = ApiKeyFilter.path(request);
          return path.startsWith("/swagger-ui");
        };
    http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .cors(c -> c.configurationSource(cors(properties)))
        .headers(
            h ->
                h.frameOptions(f -> f.deny())
                    .referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER))
                    .addHeaderWriter(
                        new DelegatingRequestMatcherHeaderWriter(
                            swagger,
                            new StaticHeadersWriter("Content-Security-Policy", SWAGGER_CSP)))
                    .addHeaderWriter(
                        new DelegatingRequestMatcherHeaderWriter(
                            new NegatedRequestMatcher(swagger),
                            new StaticHeadersWriter("Content-Security-Policy", DASHBOARD_CSP))))
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(
                        (request, response, ex) -> {
                          metrics.count(Outcome.MISSING);
                          SecurityResponses.unauthorized(
                              request,
                              response,
                              "an API key is required: send 'Authorization: Bearer <key>'");
                        })
                    .accessDeniedHandler(
                        (request, response, ex) -> {
                          metrics.count(Outcome.FORBIDDEN);
                          Role needed = rules.of(request).role();
                          SecurityResponses.write(
                              request,
                              response,
                              403,
                              "Forbidden",
                              "this call needs the '"
                                  + (needed == null ? Role.READER : needed).wire()
                                  + "' role");
                        }))
        .addFilterBefore(keyFilter, AnonymousAuthenticationFilter.class)
        .addFilterAfter(new AuditFilter(rules, audit), ApiKeyFilter.class)
        .authorizeHttpRequests(
            a ->
                a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                    .permitAll()
                    .anyRequest()
                    .access(authorization(rules)));
    return http.build();
  }

  /** Grants an open path to anyone, any other to a caller whose role includes the one needed. */
  static AuthorizationManager<RequestAuthorizationContext> authorization(AccessRules rules) {
    return (authentication, context) -> {
      AccessRules.Access access = rules.of(context.getRequest());
      if (access.open()) {
        return new AuthorizationDecision(true);
      }
      return new AuthorizationDecision(
          authentication.get() instanceof CallerAuthentication caller
              && caller.getPrincipal().role().includes(access.role()));
    };
  }

  /**
   * CORS is closed unless {@code kernelwise.security.cors.allowed-origins} names origins: a
   * cross-origin request (Origin differing from the request's own scheme, host and port) is then
   * refused with 403 before authentication. Same-origin pages (the dashboard) are not CORS.
   */
  static CorsConfigurationSource cors(SecurityProperties properties) {
    CorsConfiguration config = new CorsConfiguration();
    config.setAllowedOrigins(List.copyOf(properties.cors().allowedOrigins()));
    config.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "DELETE"));
    config.setAllowedHeaders(List.of("Authorization", "Content-Type", "Last-Event-ID"));
    config.setExposedHeaders(List.of("Location", "Retry-After", "WWW-Authenticate"));
    config.setAllowCredentials(false);
    config.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", config);
    return source;
  }

  /** There are no passwords: this keeps Spring Boot from generating a default user. */
  @Bean
  AuthenticationManager noPasswordLogin() {
    return authentication -> {
      throw new ProviderNotFoundException("Kernelwise authenticates API keys only");
    };
  }
}
