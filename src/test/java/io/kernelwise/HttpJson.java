package io.kernelwise;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.security.TestKeys;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one HTTP client of the test suite: every test that talks to a running service goes through
 * it, and every request through {@link Request#send()} / {@link Request#stream()}. So a header all
 * requests must carry (an API key) belongs in {@link #DEFAULT_HEADERS}, and a check every exchange
 * must pass (a response validator) in {@link #DEFAULT_INSPECTORS}: one place each.
 *
 * <p>Clients are immutable; {@link #withHeader} / {@link #withoutHeader} / {@link #withInspector}
 * derive one for a test that needs something else (another key, no key).
 */
public final class HttpJson {
  public static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Headers on every request unless the client overrides them: security is on in tests too, so
   * every request carries the test configuration's admin key ({@code
   * withoutHeader("Authorization")} for an anonymous call, {@code withHeader("Authorization",
   * "Bearer " + key)} for another key).
   */
  static final Map<String, String> DEFAULT_HEADERS = Map.of("Authorization", TestKeys.BEARER);

  /**
   * Run on every exchange of every client, after the response arrived: each request and response
   * must match the service's own OpenAPI document ({@link OpenApiContract}).
   */
  static final List<Inspector> DEFAULT_INSPECTORS = List.of(OpenApiContract.INSTANCE);

  /** Bounds every request, so that a hung server fails its test instead of the whole run. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Sees each exchange; throws (an AssertionError) to fail the test. */
  @FunctionalInterface
  public interface Inspector {
    void inspect(Exchange exchange);
  }

  /**
   * One request and its response. {@code requestBody} is what was sent (empty for none); {@code
   * responseBody} is null for a streamed response, whose body the test reads itself.
   */
  public record Exchange(
      String method,
      URI uri,
      Map<String, String> requestHeaders,
      byte[] requestBody,
      int status,
      HttpHeaders responseHeaders,
      byte[] responseBody) {}

  private final String base;
  private final Map<String, String> headers;
  private final List<Inspector> inspectors;

  public HttpJson(String base) {
    this(base, DEFAULT_HEADERS, DEFAULT_INSPECTORS);
  }

  private HttpJson(String base, Map<String, String> headers, List<Inspector> inspectors) {
    this.base = base;
    this.headers = Map.copyOf(headers);
    this.inspectors = List.copyOf(inspectors);
  }

  /** A client for a service on this machine. */
  public static HttpJson local(int port) {
    return new HttpJson("http://127.0.0.1:" + port);
  }

  public String base() {
    return base;
  }

  /** A client that sends this header on every request (replacing a default of that name). */
  public HttpJson withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    h.put(name, value);
    return new HttpJson(base, h, inspectors);
  }

  /** A client that does not send this (default) header. */
  public HttpJson withoutHeader(String name) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    return new HttpJson(base, h, inspectors);
  }

  /** A client that also runs this inspector on each exchange. */
  public HttpJson withInspector(Inspector inspector) {
    List<Inspector> i = new ArrayList<>(inspectors);
    i.add(inspector);
    return new HttpJson(base, headers, i);
  }

  // ---- shortcuts ------------------------------------------------------------------------------

  public Response get(String path) {
    return request("GET", path).send();
  }

  /** GET that must answer 200, as JSON. */
  public JsonNode getJson(String path) {
    return get(path).json(200);
  }

  public Response delete(String path) {
    return request("DELETE", path).send();
  }

  public Response post(String path, String contentType, byte[] body) {
    return request("POST", path).body(contentType, body).send();
  }

  /** POST a JSON body (null: no body at all). */
  public Response postJson(String path, String json) {
    return request("POST", path).json(json).send();
  }

  /** POST a JSON body that must answer {@code status}, as JSON. */
  public JsonNode postJson(String path, String json, int status) {
    return postJson(path, json).json(status);
  }

  public Response multipart(String path, Multipart form) {
    return request("POST", path).multipart(form).send();
  }

  /** Multipart form: fields, then file parts (name → bytes) all named {@code fileField}. */
  public Response multipart(
      String path, Map<String, String> fields, String fileField, Map<String, byte[]> files) {
    Multipart form = new Multipart();
    fields.forEach(form::field);
    files.forEach((name, bytes) -> form.file(fileField, name, bytes));
    return multipart(path, form);
  }

  /** Reads a server-sent event stream to its end (the server must close it). */
  public List<SseEvent> events(String path, String... headerPairs) {
    Request r = request("GET", path).header("Accept", "text/event-stream");
    for (int i = 0; i < headerPairs.length; i += 2) {
      r.header(headerPairs[i], headerPairs[i + 1]);
    }
    HttpResponse<InputStream> response = r.stream();
    assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    return SseEvent.read(response.body());
  }

  public Request request(String method, String path) {
    return new Request(method, path);
  }

  // ---- requests -------------------------------------------------------------------------------

  /** One request being built; {@link #send()} and {@link #stream()} are the only ways out. */
  public final class Request {
    private final String method;
    private final URI uri;
    private final Map<String, String> requestHeaders = new LinkedHashMap<>(headers);
    private byte[] body = new byte[0];
    private boolean hasBody;
    private boolean chunked;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Request(String method, String path) {
      this.method = method;
      this.uri = URI.create(base + path);
    }

    public Request header(String name, String value) {
      requestHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      requestHeaders.put(name, value);
      return this;
    }

    public Request body(String contentType, byte[] bytes) {
      header("Content-Type", contentType);
      body = bytes;
      hasBody = true;
      return this;
    }

    /** A JSON body; null sends the JSON content type and no body. */
    public Request json(String json) {
      header("Content-Type", "application/json");
      if (json != null) {
        body = json.getBytes(StandardCharsets.UTF_8);
        hasBody = true;
      }
      return this;
    }

    public Request multipart(Multipart form) {
      return body("multipart/form-data; boundary=" + form.boundary, form.bytes());
    }

    /** Sends the body without a Content-Length (chunked), as a streaming client does. */
    public Request chunked() {
      chunked = true;
      return this;
    }

    public Request timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Sends it and reads the whole response; every inspector sees the exchange. */
    public Response send() {
      try {
        return received(HTTP.send(build(), HttpResponse.BodyHandlers.ofByteArray()));
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + uri, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + method + " " + uri, e);
      }
    }

    /** {@link #send()} without waiting: for concurrent requests. */
    public CompletableFuture<Response> sendAsync() {
      return HTTP.sendAsync(build(), HttpResponse.BodyHandlers.ofByteArray())
          .thenApply(this::received);
    }

    /** Sends it and hands over the response body unread; inspectors see the status and headers. */
    public HttpResponse<InputStream> stream() {
      try {
        HttpResponse<InputStream> r = HTTP.send(build(), HttpResponse.BodyHandlers.ofInputStream());
        inspect(r.statusCode(), r.headers(), null);
        return r;
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + uri, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + method + " " + uri, e);
      }
    }

    /** The request as it goes on the wire: the one place headers and body are put together. */
    private HttpRequest build() {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
      requestHeaders.forEach(b::header);
      HttpRequest.BodyPublisher publisher =
          !hasBody
              ? HttpRequest.BodyPublishers.noBody()
              : chunked
                  ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                  : HttpRequest.BodyPublishers.ofByteArray(body);
      return b.method(method, publisher).build();
    }

    private Response received(HttpResponse<byte[]> r) {
      inspect(r.statusCode(), r.headers(), r.body());
      return new Response(method, uri, r.statusCode(), r.headers(), r.body());
    }

    private void inspect(int status, HttpHeaders responseHeaders, byte[] responseBody) {
      Exchange exchange =
          new Exchange(
              method, uri, Map.copyOf(requestHeaders), body, status, responseHeaders, responseBody);
      inspectors.forEach(i -> i.inspect(exchange));
    }
  }

  // ---- responses ------------------------------------------------------------------------------

  /** A whole response. Assertion messages name the request and show the body. */
  public record Response(String method, URI uri, int status, HttpHeaders headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON; null when there is none. */
    public JsonNode json() {
      return body.length == 0 ? null : JSON.readTree(body);
    }

    /** Asserts the status, then the body as JSON. */
    public JsonNode json(int expected) {
      return expect(expected).json();
    }

    public Response expect(int expected) {
      assertThat(status).as("%s", this).isEqualTo(expected);
      return this;
    }

    /** A response header's first value, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    /** The Content-Type, or "" when absent. */
    public String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }

    public String location() {
      return header("Location");
    }

    @Override
    public String toString() {
      String shown = contentType().startsWith("image/") ? body.length + " bytes" : text();
      return method + " " + uri + " -> " + status + " " + shown;
    }
  }

  /** A multipart/form-data body, parts in the order added. */
  public static final class Multipart {
    private final String boundary = "kw" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Multipart field(String name, String value) {
      write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
      write(value + "\r\n");
      return this;
    }

    public Multipart file(String field, String filename, byte[] bytes) {
      return file(field, filename, "application/octet-stream", bytes);
    }

    public Multipart file(String field, String filename, String contentType, byte[] bytes) {
      write(
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + field
              + "\"; filename=\""
              + filename
              + "\"\r\nContent-Type: "
              + contentType
              + "\r\n\r\n");
      out.writeBytes(bytes);
      write("\r\n");
      return this;
    }

    byte[] bytes() {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(out.toByteArray());
      all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return all.toByteArray();
    }

    private void write(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** One server-sent event; {@code event} is "message" when the stream did not name it. */
  public record SseEvent(String event, String id, String data) {
    public JsonNode json() {
      return JSON.readTree(data);
    }

    static List<SseEvent> read(InputStream body) {
      List<SseEvent> events = new ArrayList<>();
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String event = null;
        String id = null;
        StringBuilder data = null;
        for (String line; (line = in.readLine()) != null; ) {
          if (line.isEmpty()) {
            if (event != null || data != null) {
              events.add(
                  new SseEvent(
                      event == null ? "message" : event, id, data == null ? "" : data.toString()));
            }
            event = null;
            id = null;
            data = null;
          } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          } else if (line.startsWith("id:")) {
            id = line.substring(3).trim();
          } else if (line.startsWith("data:")) {
            String value = line.substring(5);
            value = value.startsWith(" ") ? value.substring(1) : value;
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          }
        }
        if (event != null || data != null) {
          events.add(
              new SseEvent(
                  event == null ? "message" : event, id, data == null ? "" : data.toString()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return events;
    }
  }
}
