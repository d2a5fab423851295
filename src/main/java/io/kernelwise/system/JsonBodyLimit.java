package io.kernelwise.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps JSON request bodies, which controllers read whole into memory (a job or experiment body was
 * parsed into a tree whatever its size). The cap is twice {@code kernelwise.limits.max-spec-size}:
 * room for an inline spec at its own limit (which the architecture endpoints check and report
 * themselves) plus the request's other fields. A declared length over the cap is a 413 at once; a
 * chunked body is cut off when it passes the cap, which the JSON reader reports as a 400.
 */
@Component
class JsonBodyLimit extends OncePerRequestFilter {
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
      String message =
          "is "
              + request.getContentLengthLong()
              + " bytes, over the limit of "
              + maxBytes
              + " (twice kernelwise.limits.max-spec-size)";
      BodyLimits.refuse(
          request,
          response,
          HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "Payload too large",
          "body",
          message);
      return;
    }
    chain.doFilter(BodyLimits.bounded(request, maxBytes, "body"), response);
  }
}
