package io.kernelwise.system;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/** Turns every error into RFC 9457 problem+json; the one place where statuses are chosen. */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);
  private final Map<String, String> machinePaths;

  ProblemHandling(ObjectProvider<KernelwiseProperties> properties) {
    KernelwiseProperties p = properties.getIfAvailable(); // absent in some MVC test slices
    this.machinePaths = SafeText.machinePaths(p == null ? null : p.dataDir());
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> api(ApiException e) {
    return problem(e.status(), e.title(), e.getMessage(), e.errors());
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    String message = "cannot be '" + e.getValue() + "'";
    return problem(
        HttpStatus.BAD_REQUEST,
        "Invalid request",
        e.getName() + ": " + message,
        List.of(new FieldProblem(e.getName(), message)));
  }

  @Override
  protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
      MaxUploadSizeExceededException e,
      org.springframework.http.HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return cast(
        problem(
            HttpStatus.PAYLOAD_TOO_LARGE,
            "Payload too large",
            "the upload exceeds a configured maximum (spring.servlet.multipart.max-file-size,"
                + " max-request-size or server.tomcat.max-part-count)"
                + (e.getMostSpecificCause() == e
                    ? ""
                    : ": " + e.getMostSpecificCause().getMessage()),
            List.of()));
  }

  /** A multipart body that cannot be parsed (cut off, wrong boundary) is the client's error. */
  @ExceptionHandler(MultipartException.class)
  ResponseEntity<ProblemDetail> multipart(MultipartException e) {
    Throwable cause = e.getMostSpecificCause();
    String message =
        "is not a well-formed multipart/form-data body"
            + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
    return problem(
        HttpStatus.BAD_REQUEST,
        "Malformed multipart request",
        "body: " + message,
        List.of(new FieldProblem("body", message)));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    log.error("unexpected error", e);
    return problem(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "Internal error",
        "an unexpected error occurred; it has been logged",
        List.of());
  }

  /**
   * Unreadable JSON bodies: a value that does not fit its field (a fraction for an integer, a
   * number for a boolean, a number for a string) names the field by its path; malformed JSON names
   * {@code body} and says where. A missing body says so without echoing the controller's method.
   */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      org.springframework.http.HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ApiException api = ApiException.invalid("body", "is required: a JSON object");
    if (e.getCause() instanceof JacksonException json) {
      api =
          JsonProblems.isBinding(json)
              ? ApiException.invalid(List.of(JsonProblems.field("", json)))
              : ApiException.invalid("body", JsonProblems.syntax(json));
    }
    return cast(problem(api.status(), api.title(), api.getMessage(), api.errors()));
  }

  @Override
  protected ResponseEntity<Object> handleMissingServletRequestPart(
      MissingServletRequestPartException e,
      org.springframework.http.HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ApiException api =
        ApiException.invalid(e.getRequestPartName(), "is required: a multipart part");
    return cast(problem(api.status(), api.title(), api.getMessage(), api.errors()));
  }

  @Override
  protected ResponseEntity<Object> handleMissingServletRequestParameter(
      MissingServletRequestParameterException e,
      org.springframework.http.HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ApiException api = ApiException.invalid(e.getParameterName(), "is required");
    return cast(problem(api.status(), api.title(), api.getMessage(), api.errors()));
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      org.springframework.http.HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> errors =
        e.getBindingResult().getFieldErrors().stream()
            .map(f -> new FieldProblem(f.getField(), String.valueOf(f.getDefaultMessage())))
            .toList();
    if (errors.isEmpty()) {
      errors = List.of(new FieldProblem("body", "is invalid"));
    }
    ApiException api = ApiException.invalid(errors);
    return cast(problem(api.status(), api.title(), api.getMessage(), api.errors()));
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      org.springframework.http.HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> errors =
        e.getParameterValidationResults().stream()
            .flatMap(
                r ->
                    r.getResolvableErrors().stream()
                        .map(
                            err ->
                                new FieldProblem(
                                    r.getMethodParameter().getParameterName(),
                                    String.valueOf(err.getDefaultMessage()))))
            .toList();
    if (errors.isEmpty()) {
      errors = List.of(new FieldProblem("request", "is invalid"));
    }
    ApiException api = ApiException.invalid(errors);
    return cast(problem(api.status(), api.title(), api.getMessage(), api.errors()));
  }

  /** Spring MVC's own errors (404, 405, 406, 415...) keep their status, as problem+json. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e,
      Object body,
      org.springframework.http.HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ResponseEntity<Object> r = super.handleExceptionInternal(e, body, headers, status, request);
    if (r == null || !(r.getBody() instanceof ProblemDetail p)) {
      return r;
    }
    p.setDetail(SafeText.scrub(p.getDetail(), machinePaths));
    org.springframework.http.HttpHeaders h = new org.springframework.http.HttpHeaders();
    h.addAll(r.getHeaders());
    h.setContentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(p, h, r.getStatusCode());
  }

  /** The one way out: details and messages pass {@link SafeText}, in case a library's leaked in. */
  ResponseEntity<ProblemDetail> problem(
      HttpStatus status, String title, String detail, List<FieldProblem> errors) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(status, SafeText.scrub(detail, machinePaths));
    body.setTitle(title);
    if (!errors.isEmpty()) {
      body.setProperty(
          "errors",
          errors.stream()
              .map(f -> new FieldProblem(f.field(), SafeText.scrub(f.message(), machinePaths)))
              .toList());
    }
    return ResponseEntity.status(status)
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(body);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> e) {
    return (ResponseEntity) e;
  }
}
