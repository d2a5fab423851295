package io.kernelwise.oip;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.JsonProblems;
import io.kernelwise.system.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;

/**
 * The protocol's error shape for every {@code /v2} controller, and the one place where an error
 * becomes a status: an {@link ApiException} keeps its status (400 bad request, 404 unknown model,
 * 413 body over the limit, 503 busy), Spring's own request errors keep theirs, malformed JSON is a
 * 400. Ordered before the application's problem+json handling, which the rest of the API keeps.
 */
@RestControllerAdvice(basePackageClasses = OipErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OipErrors {
  private static final Logger log = LoggerFactory.getLogger(OipErrors.class);

  /** {@code $inference_error_response} and its metadata siblings. */
  record Error(String error) {}

  static ResponseEntity<Error> of(HttpStatusCode status, String message) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(new Error(message));
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Error> api(ApiException e) {
    return of(e.status(), e.getMessage());
  }

  @ExceptionHandler(JacksonException.class)
  ResponseEntity<Error> json(JacksonException e) {
    return of(HttpStatus.BAD_REQUEST, "the body is not valid JSON: " + firstLine(e));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Error> unreadable(HttpMessageNotReadableException e) {
    return of(HttpStatus.BAD_REQUEST, "the body is not readable: " + firstLine(e));
  }

  /** Spring MVC's own errors (method not allowed, missing parameter, ...) keep their status. */
  @ExceptionHandler(Exception.class)
  ResponseEntity<Error> other(Exception e) {
    if (e instanceof ErrorResponse r && r.getStatusCode().is4xxClientError()) {
      String detail = r.getBody().getDetail();
      return of(r.getStatusCode(), detail == null ? firstLine(e) : detail);
    }
    log.error("unexpected error in the inference protocol", e);
    return of(HttpStatus.INTERNAL_SERVER_ERROR, "an unexpected error occurred; it has been logged");
  }

  /** Jackson's message without its Java names and features; others' first line, scrubbed. */
  private static String firstLine(Throwable e) {
    if (e instanceof JacksonException j) {
      return JsonProblems.syntax(j).replaceFirst("^is not valid JSON:? ?", "");
    }
    if (e.getCause() instanceof JacksonException j) {
      return JsonProblems.isBinding(j)
          ? JsonProblems.path("", j) + " " + JsonProblems.binding(j)
          : JsonProblems.syntax(j).replaceFirst("^is not valid JSON:? ?", "");
    }
    String m = String.valueOf(e.getMessage());
    int cut = m.indexOf('\n');
    return SafeText.scrub(cut > 0 ? m.substring(0, cut) : m);
  }
}
