package io.kernelwise.system;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problem bodies for errors that never reach a controller: Tomcat's own rejections (a malformed
 * request line, {@code %00} or {@code %2F} in a path, a path above the root, an over-long URI or
 * header, TRACE), the firewall's, and any error dispatched to {@code /error}. Details are fixed
 * texts per status: nothing of the request, the exception or the server is echoed. Under {@code
 * /v2} the Open Inference Protocol's {@code {"error": ...}} shape is kept, as its controllers do.
 */
public final class ProblemResponses {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern SHOWABLE_URI = Pattern.compile("[!-~]{1,256}");
  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

  private ProblemResponses() {}

  /** A body and its media type. */
  public record Body(String contentType, String json) {}

  /** What to tell a client about {@code status}, in the API's words. */
  public static String detail(int status, String method) {
    return switch (status) {
      case 400 ->
          "the request is malformed: its request line, URI or headers are not valid (for example"
              + " an encoded NUL or slash, a path above the root, or characters that must be"
              + " percent-encoded)";
      case 401 -> "an API key is required: send 'Authorization: Bearer <key>'";
      case 403 -> "this call is not allowed";
      case 404 -> "nothing is at this path";
      case 405 ->
          method != null && METHOD.matcher(method).matches()
              ? "method " + method + " is not allowed here"
              : "this method is not allowed here";
      case 406 -> "none of the accepted media types can be produced";
      case 408 -> "the request was not received in time";
      case 411 -> "a Content-Length is required";
      case 413 -> "the request body is too large";
      case 414 -> "the request URI is too long";
      case 415 -> "the request's media type is not supported here";
      case 417 -> "the expectation in the Expect header cannot be met";
      case 429 -> "too many requests; retry later";
      case 431 -> "the request's headers are too large";
      case 501 -> "this method is not implemented";
      case 503 -> "the service is unavailable; retry later";
      default ->
          status >= 500
              ? "an unexpected error occurred; it has been logged"
              : title(status).toLowerCase(java.util.Locale.ROOT);
    };
  }

  public static String title(int status) {
    HttpStatus s = HttpStatus.resolve(status);
    return s == null ? (status >= 500 ? "Server error" : "Client error") : s.getReasonPhrase();
  }

  /**
   * The body for an error of {@code status} on {@code uri} (the raw request URI, maybe null): a
   * problem+json with the URI as {@code instance} when it is short, printable ASCII.
   */
  public static Body of(String uri, int status, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (uri != null && (uri.equals("/v2") || uri.startsWith("/v2/"))) {
      body.put("error", detail);
      return new Body(MediaType.APPLICATION_JSON_VALUE, JSON.writeValueAsString(body));
    }
    body.put("type", "about:blank");
    body.put("title", title(status));
    body.put("status", status);
    body.put("detail", detail);
    if (uri != null && SHOWABLE_URI.matcher(uri).matches()) {
      body.put("instance", uri);
    }
    return new Body(MediaType.APPLICATION_PROBLEM_JSON_VALUE, JSON.writeValueAsString(body));
  }

  /** Sets the status and writes {@link #of} to a response nothing has been written to. */
  public static void write(HttpServletResponse response, String uri, int status, String detail)
      throws IOException {
    Body body = of(uri, status, detail);
    response.setStatus(status);
    response.setContentType(body.contentType());
    response.setCharacterEncoding("UTF-8");
    Writer out = response.getWriter();
    out.write(body.json());
    out.flush();
  }
}
