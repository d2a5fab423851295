package io.kernelwise.system;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * An error a client can act on: throw it for every client error. {@link ProblemHandling} turns it,
 * and Spring's own request errors, into RFC 9457 problem+json: the status mapping lives in one
 * place.
 */
public class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String title;
  private final List<FieldProblem> errors;

  public ApiException(HttpStatus status, String title, String detail, List<FieldProblem> errors) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  public ApiException(HttpStatus status, String title, String detail) {
    this(status, title, detail, List.of());
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  public List<FieldProblem> errors() {
    return errors;
  }

  /** 400 with one problem per offending field, e.g. {@code layers[3].groups}. */
  public static ApiException invalid(List<FieldProblem> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size()
                + " problems, first "
                + errors.get(0).field()
                + ": "
                + errors.get(0).message();
    return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail, errors);
  }

  public static ApiException invalid(String field, String message) {
    return invalid(List.of(new FieldProblem(field, message)));
  }

  /** 422-like limit breach, reported as 400 naming the limit and the field. */
  public static ApiException overLimit(String field, String message) {
    return new ApiException(
        HttpStatus.BAD_REQUEST,
        "Over a configured limit",
        field + ": " + message,
        List.of(new FieldProblem(field, message)));
  }

  public static ApiException notFound(String what, String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "Not found", what + " '" + id + "' does not exist");
  }

  public static ApiException conflict(String detail) {
    return new ApiException(HttpStatus.CONFLICT, "Conflict", detail);
  }

  public static ApiException tooLarge(String detail) {
    return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "Payload too large", detail);
  }

  /** The service is at capacity (a full queue): the client may retry later. */
  public static ApiException busy(String detail) {
    return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "Busy", detail);
  }
}
