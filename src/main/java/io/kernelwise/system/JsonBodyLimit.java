package io.kernelwise.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caps JSON request bodies, which controllers read whole into memory (a job or experiment body was
 * parsed into a tree whatever its size). The cap is twice {@code kernelwise.limits.max-spec-size}:
 * room for an inline spec at its own limit (which the architecture endpoints check and report
 * themselves) plus the request's other fields. A declared length over the cap is a 413 at once; a
 * chunked body is cut off when it passes the cap, which the JSON reader reports as a 400.
 */
@Component
class JsonBodyLimit extends OncePerRequestFilter {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final long maxBytes;

  JsonBodyLimit(KernelwiseProperties properties) {
    this.maxBytes = 2 * properties.limits().maxSpecSize().toBytes();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    if (request.getRequestURI().startsWith(request.getContextPath() + "/v2/")) {
      return true; // the inference protocol bounds its bodies itself, in its own error shape
    }
    String type = request.getContentType();
    if (type == null) {
      return true;
    }
    try {
      MediaType media = MediaType.parseMediaType(type);
      return !(media.isCompatibleWith(MediaType.APPLICATION_JSON)
          || media.getSubtype().endsWith("+json"));
    } catch (RuntimeException e) {
      return true; // an unparsable type is refused later as unsupported
    }
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > maxBytes) {
      response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      String message =
          "is "
              + request.getContentLengthLong()
              + " bytes, over the limit of "
              + maxBytes
              + " (twice kernelwise.limits.max-spec-size)";
      Map<String, Object> problem = new LinkedHashMap<>();
      problem.put("title", "Payload too large");
      problem.put("status", HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      problem.put("detail", "body: " + message);
      problem.put("instance", request.getRequestURI());
      problem.put("errors", List.of(new FieldProblem("body", message)));
      JSON.writeValue(response.getOutputStream(), problem);
      return;
    }
    chain.doFilter(new Bounded(request, maxBytes), response);
  }

  /** A request whose body stream fails once it passes {@code max} bytes. */
  private static final class Bounded extends HttpServletRequestWrapper {
    private final long max;
    private ServletInputStream stream;

    Bounded(HttpServletRequest request, long max) {
      super(request);
      this.max = max;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream =
            new ServletInputStream() {
              private long read;

              private int count(int n) throws IOException {
                if (n > 0 && (read += n) > max) {
                  throw new IOException("the body is over the limit of " + max + " bytes");
                }
                return n;
              }

              @Override
              public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                  count(1);
                }
                return b;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                return count(in.read(b, off, len));
              }

              @Override
              public boolean isFinished() {
                return in.isFinished();
              }

              @Override
              public boolean isReady() {
                return in.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
              }
            };
      }
      return stream;
    }
  }
}
