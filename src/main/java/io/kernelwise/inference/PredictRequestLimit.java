package io.kernelwise.inference;

import io.kernelwise.system.BodyLimits;
import io.kernelwise.system.KernelwiseProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds a predict request by what it may contain before anything is parsed or buffered: at most
 * {@code max-files-per-request} images of {@code max-image-size} each, plus room for the multipart
 * headers. A declared length over that is a 413 at once (the multipart parser would otherwise read
 * up to the servlet's 1 GB limit into memory and temporary files first); a chunked body is cut off
 * when it passes the bound. The model's queue (503) stays the second line, for requests that fit.
 */
@Component
// before authentication and everything else: refusing by declared size needs no body and no key
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class PredictRequestLimit extends OncePerRequestFilter {
  private static final Pattern PREDICT = Pattern.compile("/api/v1/models/[^/]+/predict/?");
  private static final long PART_OVERHEAD = 16 << 10; // boundary, headers, file name
  private final long maxBytes;
  private final int maxFiles;
  private final long maxImage;

  PredictRequestLimit(KernelwiseProperties properties) {
    var inference = properties.inference();
    this.maxFiles = Math.max(1, inference.maxFilesPerRequest());
    this.maxImage = inference.maxImageSize().toBytes();
    this.maxBytes = maxFiles * (maxImage + PART_OVERHEAD) + PART_OVERHEAD;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return !"POST".equals(request.getMethod()) || !PREDICT.matcher(path).matches();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      String message =
          "the request is "
              + declared
              + " bytes, over the "
              + maxBytes
              + " that "
              + maxFiles
              + " images of at most "
              + maxImage
              + " bytes take (kernelwise.inference.max-files-per-request x max-image-size)";
      tooLarge(request, response, message);
      return;
    }
    if (declared < 0 && isMultipart(request)) {
      // the container parses multipart bodies itself, past any wrapper: only a declared length
      // can bound them before they are read
      refuse(
          request,
          response,
          HttpServletResponse.SC_LENGTH_REQUIRED,
          "Length required",
          "a multipart predict request must declare its Content-Length (at most "
              + maxBytes
              + " bytes)");
      return;
    }
    chain.doFilter(BodyLimits.bounded(request, maxBytes, "request"), response);
  }

  private static boolean isMultipart(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/");
  }

  private static void tooLarge(
      HttpServletRequest request, HttpServletResponse response, String message) throws IOException {
    refuse(
        request,
        response,
        HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
        "Payload too large",
        message);
  }

  private static void refuse(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String title,
      String message)
      throws IOException {
    response.setHeader("Connection", "close"); // do not read the rest of a body we refuse
    BodyLimits.refuse(request, response, status, title, "file", message);
    response.flushBuffer(); // answer now, before the container drains the unread body
  }
}
