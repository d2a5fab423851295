package io.kernelwise.system;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the request-size filters ({@link JsonBodyLimit}, inference's predict limit) share: a body
 * stream cut off past a bound, for chunked bodies whose length is not declared, and the problem
 * they answer with when they refuse a request before it reaches a controller.
 */
public final class BodyLimits {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private BodyLimits() {}

  /**
   * The request, with a body stream that fails once it passes {@code max} bytes: "the {@code what}
   * is over the limit of {@code max} bytes".
   */
  public static HttpServletRequest bounded(HttpServletRequest request, long max, String what) {
    return new Bounded(request, max, what);
  }

  /**
   * Answers {@code status} with a problem+json naming {@code field}, to a response nothing has been
   * written to.
   */
  public static void refuse(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String title,
      String field,
      String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", field + ": " + message);
    problem.put("instance", request.getRequestURI());
    problem.put("errors", List.of(new FieldProblem(field, message)));
    JSON.writeValue(response.getOutputStream(), problem);
  }

  private static final class Bounded extends HttpServletRequestWrapper {
    private final long max;
    private final String what;
    private ServletInputStream stream;

    Bounded(HttpServletRequest request, long max, String what) {
      super(request);
      this.max = max;
      this.what = what;
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
                  throw new IOException("the " + what + " is over the limit of " + max + " bytes");
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
