package io.kernelwise.system;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * A worker-only instance keeps its HTTP port for the operations endpoints (health probes, metrics,
 * info) and answers everything else with a 404 saying which role serves it, ahead of every other
 * filter (security included): its API is not part of the deployment.
 */
@Configuration(proxyBeanMethods = false)
class RolesConfig {

  @Bean
  FilterRegistrationBean<Filter> apiRoleFilter(DeploymentProperties deployment) {
    Filter filter =
        (req, res, chain) -> {
          HttpServletRequest request = (HttpServletRequest) req;
          String path = request.getRequestURI().substring(request.getContextPath().length());
          if (deployment.api() || path.equals("/actuator") || path.startsWith("/actuator/")) {
            chain.doFilter(req, res);
            return;
          }
          HttpServletResponse response = (HttpServletResponse) res;
          response.setStatus(404);
          response.setContentType("application/problem+json");
          response.setCharacterEncoding(StandardCharsets.UTF_8.name());
          response
              .getWriter()
              .write(
                  "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                      + "\"detail\":\"this instance runs only the worker role"
                      + " (kernelwise.roles=worker): the API is served by the api instances\"}");
        };
    FilterRegistrationBean<Filter> bean = new FilterRegistrationBean<>(filter);
    bean.setName("kernelwiseApiRole");
    bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
    bean.addUrlPatterns("/*");
    return bean;
  }
}
