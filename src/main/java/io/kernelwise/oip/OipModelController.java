package io.kernelwise.oip;

import io.kernelwise.inference.InferenceService;
import io.kernelwise.system.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Model metadata and model readiness, for a model id or name, with or without a version. */
@RestController
class OipModelController {
  private final ModelDirectory directory;
  private final ModelMetadata metadata;
  private final InferenceService inference;

  OipModelController(ModelDirectory directory, ModelMetadata metadata, InferenceService inference) {
    this.directory = directory;
    this.metadata = metadata;
    this.inference = inference;
  }

  @GetMapping("/v2/models/{model}")
  ModelMetadata.Response metadata(@PathVariable String model) {
    return metadata.of(directory.resolve(model, null));
  }

  @GetMapping("/v2/models/{model}/versions/{version}")
  ModelMetadata.Response metadata(@PathVariable String model, @PathVariable String version) {
    return metadata.of(directory.resolve(model, version));
  }

  @GetMapping("/v2/models/{model}/ready")
  ResponseEntity<Map<String, Object>> ready(@PathVariable String model) {
    return ready(directory.resolve(model, null));
  }

  @GetMapping("/v2/models/{model}/versions/{version}/ready")
  ResponseEntity<Map<String, Object>> ready(
      @PathVariable String model, @PathVariable String version) {
    return ready(directory.resolve(model, version));
  }

  /**
   * Ready once the model is loaded for inference (this loads it, so a readiness probe warms it up);
   * a model that exists but cannot be served (files not visible yet, an input the service cannot
   * feed) answers 503 {@code {"ready": false}}, an unknown one 404.
   */
  private ResponseEntity<Map<String, Object>> ready(ModelDirectory.Resolved resolved) {
    boolean ready;
    try {
      inference.serving(resolved.model().id());
      ready = true;
    } catch (ApiException e) {
      if (e.status() == HttpStatus.NOT_FOUND) {
        throw e;
      }
      ready = false;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", resolved.name());
    body.put("ready", ready);
    return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
  }
}
