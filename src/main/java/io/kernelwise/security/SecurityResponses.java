package io.kernelwise.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401, 403 and 429 bodies written by the security filters, before any controller: RFC 9457
 * problem+json, or the Open Inference Protocol's {@code {"error": ...}} under {@code /v2}.
 */
final class SecurityResponses {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SecurityResponses() {}

  static void unauthorized(HttpServletRequest request, HttpServletResponse response, String detail)
      throws IOException {
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kernelwise\"");
    write(request, response, 401, "Unauthorized", detail);
  }

  static void invalidKey(HttpServletRequest request, HttpServletResponse response, String detail)
      throws IOException {
    response.setHeader(
        HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kernelwise\", error=\"invalid_token\"");
    write(request, response, 401, "Unauthorized", detail);
  }

  static void tooMany(
      HttpServletRequest request, HttpServletResponse response, long retryAfterNanos, String detail)
      throws IOException {
    long seconds = Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    write(request, response, 429, "Too many requests", detail + "; retry after " + seconds + " s");
  }

  static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String title,
      String detail)
      throws IOException {
    response.setStatus(status);
    Map<String, Object> body = new LinkedHashMap<>();
    if (request.getRequestURI().startsWith(request.getContextPath() + "/v2")) {
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      body.put("error", detail);
    } else {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      body.put("title", title);
      body.put("status", status);
      body.put("detail", detail);
      body.put("instance", request.getRequestURI());
    }
    JSON.writeValue(response.getOutputStream(), body);
  }
}
