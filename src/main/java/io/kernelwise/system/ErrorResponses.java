package io.kernelwise.system;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Every error is problem+json, also those no controller sees: Tomcat's report valve is replaced by
 * {@link ProblemReportValve}, errors dispatched to {@code /error} are answered by {@link
 * ErrorDispatchFilter} (not Spring Boot's whitelabel page or its default JSON), and requests the
 * security firewall rejects get a 400 problem.
 */
@Configuration(proxyBeanMethods = false)
class ErrorResponses {

  @Bean
  ValveCustomizer problemReportValve() {
    return new ValveCustomizer();
  }

  /** Runs after Spring Boot's customizer, which adds a plain (HTML) ErrorReportValve. */
  static final class ValveCustomizer
      implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
    @Override
    public void customize(TomcatServletWebServerFactory factory) {
      factory.addContextCustomizers(
          context -> {
            Pipeline host = context.getParent().getPipeline();
            for (Valve v : host.getValves()) {
              if (v instanceof ErrorReportValve) {
                host.removeValve(v);
              }
            }
            host.addValve(new ProblemReportValve());
            if (context.getParent() instanceof StandardHost standard) {
              // else the host adds its default valve when it starts
              standard.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
          });
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }

  @Bean
  FilterRegistrationBean<ErrorDispatchFilter> errorDispatchFilter() {
    FilterRegistrationBean<ErrorDispatchFilter> r =
        new FilterRegistrationBean<>(new ErrorDispatchFilter());
    r.setDispatcherTypes(DispatcherType.ERROR, DispatcherType.REQUEST);
    r.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return r;
  }

  /** The firewall's reason (an encoded slash, a NUL, a non-normalised path) as a 400 problem. */
  @Bean
  RequestRejectedHandler problemOnRejectedRequest() {
    return (request, response, e) -> {
      String reason = SafeText.scrub(String.valueOf(e.getMessage()));
      ProblemResponses.write(
          response,
          request.getRequestURI(),
          400,
          reason.startsWith("The request was rejected because ")
              ? "the request was rejected: " + reason.substring(33)
              : ProblemResponses.detail(400, null));
    };
  }
}
