package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.security.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON-over-HTTP client for the end-to-end journeys. */
final class HttpJson {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  HttpJson(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  JsonNode get(String path) {
    return JSON.readTree(expect(send(HttpRequest.newBuilder(uri(path)).build()), 200).body());
  }

  HttpResponse<byte[]> getBytes(String path) {
    return send(HttpRequest.newBuilder(uri(path)).build());
  }

  JsonNode postJson(String path, String json, int status) {
    HttpRequest request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return JSON.readTree(expect(send(request), status).body());
  }

  HttpResponse<byte[]> post(String path, String contentType, byte[] body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  HttpResponse<byte[]> delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
  }

  /** Multipart form: fields, then file parts (name → bytes) all named {@code fileField}. */
  HttpResponse<byte[]> multipart(
      String path, Map<String, String> fields, String fileField, Map<String, byte[]> files) {
    String boundary = "kw" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    fields.forEach(
        (k, v) ->
            body.writeBytes(
                ("--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\""
                        + k
                        + "\"\r\n\r\n"
                        + v
                        + "\r\n")
                    .getBytes(StandardCharsets.UTF_8)));
    files.forEach(
        (name, bytes) -> {
          body.writeBytes(
              ("--"
                      + boundary
                      + "\r\nContent-Disposition: form-data; name=\""
                      + fileField
                      + "\"; filename=\""
                      + name
                      + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
          body.writeBytes(bytes);
          body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return post(path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
  }

  static JsonNode json(HttpResponse<byte[]> response, int status) {
    return JSON.readTree(expect(response, status).body());
  }

  static <T> HttpResponse<T> expect(HttpResponse<T> response, int status) {
    assertThat(response.statusCode())
        .as(
            "%s %s -> %s",
            response.request().method(),
            response.request().uri(),
            response.body() instanceof byte[] b
                ? new String(b, StandardCharsets.UTF_8)
                : response.body())
        .isEqualTo(status);
    return response;
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      // security is on in tests too: every call carries the test configuration's admin key
      HttpRequest withKey =
          request.headers().firstValue("Authorization").isPresent()
              ? request
              : HttpRequest.newBuilder(request, (name, value) -> true)
                  .header("Authorization", TestKeys.BEARER)
                  .build();
      return http.send(withKey, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
