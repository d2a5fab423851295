package io.kernelwise.oip;

import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Server health and metadata, and the protocol's answer to any other {@code /v2} path. */
@RestController
class OipServerController {
  /** Extensions of the protocol this server implements (Triton's names). */
  static final List<String> EXTENSIONS = List.of("classification", "binary_tensor_data");

  private static final List<Pattern> GET_PATHS =
      List.of(
          Pattern.compile("/v2/?"),
          Pattern.compile("/v2/health/(live|ready)"),
          Pattern.compile("/v2/models/[^/]+(/versions/[^/]+)?(/ready)?"));
  private static final Pattern POST_PATH =
      Pattern.compile("/v2/models/[^/]+(/versions/[^/]+)?/infer");

  private final String version;
  private final ObjectProvider<HealthEndpoint> health;
  private final ApplicationAvailability availability;

  OipServerController(
      @Value("${info.app.version:unknown}") String version,
      ObjectProvider<HealthEndpoint> health,
      ApplicationAvailability availability) {
    this.version = version;
    this.health = health;
    this.availability = availability;
  }

  @Schema(name = "OipServerMetadata")
  record ServerMetadata(String name, String version, List<String> extensions) {}

  @GetMapping("/v2")
  ServerMetadata metadata() {
    return new ServerMetadata("kernelwise", version, EXTENSIONS);
  }

  /**
   * The protocol's document spells the path {@code /v2/}; the same answer, not documented twice.
   */
  @Hidden
  @GetMapping("/v2/")
  ServerMetadata metadataSlash() {
    return metadata();
  }

  /** The process answers: it is live. */
  @GetMapping("/v2/health/live")
  Map<String, Boolean> live() {
    return Map.of("live", true);
  }

  /**
   * Ready when the actuator's readiness group (database, engine, model store, accepting traffic) is
   * UP: 200 {@code {"ready": true}}, else 503 {@code {"ready": false}} so that a probe fails.
   */
  @GetMapping("/v2/health/ready")
  ResponseEntity<Map<String, Boolean>> ready() {
    boolean ready;
    HealthEndpoint endpoint = health.getIfAvailable();
    if (endpoint != null) {
      HealthDescriptor group = endpoint.healthForPath("readiness");
      ready = group != null && Status.UP.equals(group.getStatus());
    } else {
      ready = availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
    }
    return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
        .body(Map.of("ready", ready));
  }

  /** Any other path or method under /v2: 404 or 405 in the protocol's error shape. */
  @Hidden
  @RequestMapping("/v2/**")
  ResponseEntity<OipErrors.Error> fallback(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String method = request.getMethod();
    boolean get = GET_PATHS.stream().anyMatch(p -> p.matcher(path).matches());
    boolean post = POST_PATH.matcher(path).matches();
    if (get || post) {
      String allow = get ? "GET" : "POST";
      return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
          .header(HttpHeaders.ALLOW, allow)
          .body(new OipErrors.Error(method + " is not allowed on " + path + "; use " + allow));
    }
    return OipErrors.of(HttpStatus.NOT_FOUND, "no such endpoint: " + method + " " + path);
  }
}
