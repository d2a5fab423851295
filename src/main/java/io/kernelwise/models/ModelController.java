package io.kernelwise.models;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "Models", description = "Trained models: list, read, delete, export and import")
class ModelController {
  private final DefaultModelRegistry registry;
  private final KernelwiseProperties.Models limits;

  ModelController(DefaultModelRegistry registry, KernelwiseProperties properties) {
    this.registry = registry;
    this.limits = properties.models();
  }

  @GetMapping
  @Operation(operationId = "listModels", summary = "List models, newest first")
  Page<ModelResponse> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Page<ModelRecord> records = registry.list(page, size);
    return new Page<>(
        records.items().stream().map(ModelResponse::of).toList(),
        records.page(),
        records.size(),
        records.total());
  }

  @GetMapping("/{id}")
  @Operation(operationId = "getModel", summary = "Read a model")
  @ApiResponse(responseCode = "200", description = "the model")
  @ApiResponse(responseCode = "404", description = "no such model")
  ModelResponse get(@PathVariable String id) {
    return ModelResponse.of(registry.get(id));
  }

  @DeleteMapping("/{id}")
  @Operation(
      operationId = "deleteModel",
      summary = "Delete a model; a model being served is unloaded")
  @ApiResponse(responseCode = "204", description = "deleted")
  @ApiResponse(responseCode = "404", description = "no such model")
  ResponseEntity<Void> delete(@PathVariable String id) {
    registry.delete(id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping(value = "/{id}/artifact", produces = "application/zip")
  @Operation(
      operationId = "exportModel",
      summary = "Export a model as one zip",
      description =
          "spec.json, parameters (DJL Block#saveParameters), labels.json, normalization.json and"
              + " manifest.json (formatVersion, created, SHA-256 of every other file)")
  @ApiResponse(
      responseCode = "200",
      description = "the model zip (Content-Disposition names the file)",
      content =
          @Content(
              mediaType = "application/zip",
              schema = @Schema(type = "string", format = "binary")))
  @ApiResponse(
      responseCode = "503",
      description = "the model is registered but its files are not visible in the store yet")
  ResponseEntity<StreamingResponseBody> artifact(@PathVariable String id) {
    ModelRecord model = registry.get(id);
    registry.files(id); // 503 now, not mid-stream, when the store does not show the files
    String filename = model.name().replaceAll("[^A-Za-z0-9._-]+", "_") + "-" + id + ".zip";
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("application/zip"))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(filename).build().toString())
        .body(out -> registry.exportArtifact(id, out));
  }

  @PostMapping(value = "/import", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @Operation(
      operationId = "importModel",
      summary = "Import a model zip exported by a Kernelwise instance",
      description =
          "The manifest and checksums are verified and the network is rebuilt from the spec and"
              + " run once before anything is stored; the model gets a new id.")
  @ApiResponse(
      responseCode = "201",
      description = "imported",
      headers = @Header(name = "Location", schema = @Schema(type = "string")))
  @ApiResponse(
      responseCode = "400",
      description = "not a model zip, tampered, truncated or not loadable")
  @ApiResponse(responseCode = "413", description = "over kernelwise.models.max-artifact-size")
  ResponseEntity<ModelResponse> importArtifact(
      @Parameter(
              description = "the zip from GET /api/v1/models/{id}/artifact",
              required = true,
              content =
                  @Content(
                      mediaType = "application/zip",
                      schema = @Schema(type = "string", format = "binary")))
          @RequestPart(value = "file", required = false)
          MultipartFile file) {
    if (file == null || file.isEmpty()) {
      throw ApiException.invalid("file", "is required: a multipart part holding the model zip");
    }
    if (file.getSize() > limits.maxArtifactSize().toBytes()) {
      throw ApiException.tooLarge(
          "file: the artifact is larger than kernelwise.models.max-artifact-size ("
              + limits.maxArtifactSize()
              + ")");
    }
    ModelRecord model;
    try (InputStream in = file.getInputStream()) {
      model = registry.importArtifact(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ResponseEntity.created(URI.create("/api/v1/models/" + model.id()))
        .body(ModelResponse.of(model));
  }
}
