package io.kernelwise.system;

import jakarta.servlet.RequestDispatcher;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.res.StringManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's error report as problem+json instead of its HTML page: for the errors Tomcat answers
 * itself, before (or without) the application's {@code /error} dispatch, such as a request line
 * with {@code %00}, an encoded slash or a path above the root. Same guards as Tomcat's own report:
 * only an error status, only when nothing was written, only once.
 */
public class ProblemReportValve extends ErrorReportValve {
  private static final Logger log = LoggerFactory.getLogger(ProblemReportValve.class);
  // what Tomcat's HTTP/1.1 reader says, in its own locale, when the request head overflows
  private static final String HEAD_TOO_LARGE =
      StringManager.getManager("org.apache.coyote.http11")
          .getString("iib.requestheadertoolarge.error");

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(false);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    status = headTooLarge(request, response, status, throwable);
    if (throwable != null && status >= 500) {
      log.error("unexpected error answered by the container", throwable);
    }
    String uri = request.getCoyoteRequest().requestURI().toString();
    ProblemResponses.Body body =
        ProblemResponses.of(uri, status, ProblemResponses.detail(status, request.getMethod()));
    try {
      response.setContentType(body.contentType());
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(body.json());
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      log.debug("could not write the error report", e);
    }
  }

  /**
   * Tomcat answers 400 when the request line and headers overflow {@code
   * server.max-http-request-header-size}: 414 when the request line itself did not fit (no URI was
   * read), 431 when the headers after it did not.
   */
  private static int headTooLarge(
      Request request, Response response, int status, Throwable throwable) {
    // the HTTP/1.1 processor leaves its parse error on the request, before any servlet
    Object e =
        throwable != null
            ? throwable
            : request.getCoyoteRequest().getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    if (status != 400
        || !(e instanceof IllegalArgumentException iae)
        || !HEAD_TOO_LARGE.equals(iae.getMessage())) {
      return status;
    }
    MessageBytes uri = request.getCoyoteRequest().requestURI();
    int refined = uri.isNull() || uri.getLength() == 0 ? 414 : 431;
    response.setStatus(refined);
    return refined;
  }
}
