package io.kernelwise;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks every exchange of the HTTP tests against the OpenAPI document the service itself serves
 * ({@code /v3/api-docs}, fetched once per base URL) with Atlassian's swagger-request-validator: the
 * status must be documented for the operation, and the body must match that status's schema and
 * media type. A request the service accepted (below 400) must match the document too; one it
 * refused may break it (a test sending a bad body on purpose, or no key): the document and the
 * service then agree that it is bad.
 *
 * <p>Only the API is checked: {@code /api/**} and {@code /v2/**}. Everything else is not an
 * operation of the document: actuator endpoints (Spring Boot's own, Prometheus text), the
 * dashboard's static files, Swagger UI and the document itself.
 */
public final class OpenApiContract implements HttpJson.Inspector {
  static final OpenApiContract INSTANCE = new OpenApiContract();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Optional<OpenApiInteractionValidator>> validators =
      new ConcurrentHashMap<>();

  private OpenApiContract() {}

  @Override
  public void inspect(HttpJson.Exchange e) {
    String path = e.uri().getRawPath();
    if (!(path.startsWith("/api/") || path.equals("/v2") || path.startsWith("/v2/"))) {
      return;
    }
    Request.Method method = method(e.method());
    if (method == null) {
      // HEAD and OPTIONS: Spring answers them for every GET path (HTTP, not operations of the
      // document); TRACE and others: no operation has them, the error tests check their answers
      return;
    }
    Optional<OpenApiInteractionValidator> document =
        validators.computeIfAbsent(
            e.uri().getScheme() + "://" + e.uri().getRawAuthority(), OpenApiContract::load);
    if (document.isEmpty()) {
      // an instance without a document serves no API (a worker): it may only refuse
      if (e.status() < 400) {
        throw new AssertionError(
            e.method() + " " + e.uri() + " -> " + e.status() + " from an instance without an API");
      }
      return;
    }
    OpenApiInteractionValidator validator = document.get();
    List<String> problems = new ArrayList<>();
    ValidationReport request = validator.validateRequest(request(e, method, path));
    boolean documented =
        request.getMessages().stream()
            .noneMatch(
                m ->
                    m.getKey().equals("validation.request.path.missing")
                        || m.getKey().equals("validation.request.operation.notAllowed"));
    if (!documented) {
      if (e.status() < 400) {
        problems.add("the service answered an undocumented operation with " + e.status());
      }
    } else {
      if (e.status() < 400) {
        request.getMessages().stream()
            .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
            .forEach(m -> problems.add("request: " + m));
      }
      validator.validateResponse(path, method, response(e)).getMessages().stream()
          .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
          // a streamed body (server-sent events) is read by the test itself, not here
          .filter(
              m ->
                  e.responseBody() != null
                      || !m.getKey().equals("validation.response.body.missing"))
          .forEach(m -> problems.add("response: " + m));
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          e.method()
              + " "
              + e.uri()
              + " -> "
              + e.status()
              + " does not match /v3/api-docs:\n  "
              + String.join("\n  ", problems)
              + "\nrequest body: "
              + shown(e.requestHeaders().getOrDefault("Content-Type", ""), e.requestBody())
              + "\nresponse body: "
              + (e.responseBody() == null
                  ? "(streamed)"
                  : shown(
                      e.responseHeaders().firstValue("Content-Type").orElse(""),
                      e.responseBody())));
    }
  }

  /** The instance's document; empty when it serves none (404: a worker-only instance). */
  private static Optional<OpenApiInteractionValidator> load(String base) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v3/api-docs"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + base + "/v3/api-docs -> " + r.statusCode());
      }
      return Optional.of(
          OpenApiInteractionValidator.createForInlineApiSpecification(r.body()).build());
    } catch (IOException e) {
      throw new AssertionError("cannot read " + base + "/v3/api-docs", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Request request(HttpJson.Exchange e, Request.Method method, String path) {
    SimpleRequest.Builder b = new SimpleRequest.Builder(method, path);
    e.requestHeaders().forEach(b::withHeader);
    String query = e.uri().getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        b.withQueryParam(name, value);
      }
    }
    if (e.requestBody().length > 0) {
      b.withBody(e.requestBody());
    }
    return b.build();
  }

  private static SimpleResponse response(HttpJson.Exchange e) {
    SimpleResponse.Builder b = new SimpleResponse.Builder(e.status());
    e.responseHeaders().map().forEach((name, values) -> b.withHeader(name, values));
    if (e.responseBody() != null && e.responseBody().length > 0) {
      b.withBody(e.responseBody());
    }
    return b.build();
  }

  private static Request.Method method(String method) {
    return switch (method.toUpperCase(Locale.ROOT)) {
      case "GET" -> Request.Method.GET;
      case "POST" -> Request.Method.POST;
      case "PUT" -> Request.Method.PUT;
      case "PATCH" -> Request.Method.PATCH;
      case "DELETE" -> Request.Method.DELETE;
      default -> null;
    };
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String shown(String contentType, byte[] body) {
    if (body.length == 0) {
      return "(none)";
    }
    boolean text =
        contentType.contains("json") || contentType.startsWith("text/") || contentType.isEmpty();
    String s = text ? new String(body, StandardCharsets.UTF_8) : body.length + " bytes";
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }
}
