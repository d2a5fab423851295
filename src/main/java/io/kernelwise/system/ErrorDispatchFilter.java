package io.kernelwise.system;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.GenericFilterBean;

/**
 * Answers every error dispatch ({@code sendError}, an exception no handler caught, Tomcat's 404 or
 * 405 for TRACE) with problem+json before it reaches a servlet: Spring Boot's error controller
 * would answer with its own JSON or an HTML page, and a TRACE would end in the servlet's echo of
 * the request. A request for {@code /error} itself is a 404 like any path with nothing at it.
 */
class ErrorDispatchFilter extends GenericFilterBean {
  private static final Logger log = LoggerFactory.getLogger(ErrorDispatchFilter.class);

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    boolean dispatched = request.getDispatcherType() == DispatcherType.ERROR;
    if (!dispatched && !"/error".equals(request.getServletPath())) {
      chain.doFilter(req, res);
      return;
    }
    if (response.isCommitted()) {
      return;
    }
    int status = 404;
    String uri = request.getRequestURI();
    if (dispatched) {
      Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
      status = code instanceof Integer c && c >= 400 ? c : 500;
      Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
      uri = original instanceof String s ? s : null;
      Object error = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
      if (status >= 500 && error instanceof Throwable t) {
        log.error("unexpected error outside the controllers on {}", uri, t);
      }
    }
    response.resetBuffer();
    // an error dispatch is a GET (Servlet 6.1); the client's method is kept in an attribute
    Object method = request.getAttribute(RequestDispatcher.ERROR_METHOD);
    ProblemResponses.write(
        response,
        uri,
        status,
        ProblemResponses.detail(
            status, dispatched && method instanceof String m ? m : request.getMethod()));
  }
}
