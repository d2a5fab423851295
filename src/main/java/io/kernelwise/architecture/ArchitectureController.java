package io.kernelwise.architecture;

import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/architectures")
@Tag(
    name = "Architectures",
    description =
        "Define CNN architectures in the JSON DSL, see what every layer costs, derive lighter"
            + " variants")
class ArchitectureController {
  static final String SEED_3X3 =
      """
      {"name": "seed-3x3", "input": {"channels": 3, "height": 32, "width": 32}, "classes": 10,
       "layers": [
        {"type": "conv", "filters": 32, "kernel": 3, "activation": "relu"},
        {"type": "conv", "filters": 32, "kernel": 3, "activation": "relu"},
        {"type": "maxPool", "size": 2},
        {"type": "conv", "filters": 64, "kernel": 3, "activation": "relu"},
        {"type": "conv", "filters": 64, "kernel": 3, "activation": "relu"},
        {"type": "maxPool", "size": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 512, "activation": "relu"},
        {"type": "dense", "units": 10}]}
      """;
  static final String VARIANTS =
      """
      {"transforms": ["factorize", "spatialSeparable", "depthwiseSeparable",
                      {"bottleneck": 4}, {"grouped": 2}],
       "keepFirst": true}
      """;

  /** The body of {@code POST /{id}/variants}, for the document (the service reads it as JSON). */
  @Schema(name = "VariantsRequest")
  record VariantsRequest(
      @ArraySchema(
              minItems = 1,
              maxItems = VariantTransform.MAX_TRANSFORMS,
              schema = @Schema(ref = SpecSchemaDocs.TRANSFORM))
          List<Object> transforms,
      @Schema(
              description = "leave the first conv as it is (default true)",
              requiredMode = Schema.RequiredMode.NOT_REQUIRED)
          Boolean keepFirst) {}

  private final ArchitectureService architectures;

  ArchitectureController(ArchitectureService architectures) {
    this.architectures = architectures;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "createArchitecture",
      summary = "Create an architecture from a spec",
      description =
          "Validates the spec (errors name the layer path, e.g. layers[4].layers[1].groups),"
              + " stores it and answers its analysis.")
  @ApiResponse(
      responseCode = "201",
      description = "created; Location names it",
      headers = @Header(name = "Location", schema = @Schema(type = "string")))
  @ApiResponse(responseCode = "400", description = "invalid spec or over a limit")
  @ApiResponse(responseCode = "413", description = "the body is over the JSON size limit")
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      description = "An architecture spec (SPEC \"Architecture spec\")",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(ref = SpecSchemaDocs.SPEC),
              examples = @ExampleObject(name = "seed-3x3", value = SEED_3X3)))
  ResponseEntity<ArchitectureResource> create(InputStream body) {
    ArchitectureResource created = architectures.create(architectures.read(body));
    return ResponseEntity.created(URI.create("/api/v1/architectures/" + created.id()))
        .body(created);
  }

  @PostMapping(path = "/analyze", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "analyzeArchitecture",
      summary = "Analyse a spec without storing it",
      description = "Parameters, MACs, output shape and receptive field per layer.")
  @ApiResponse(responseCode = "200", description = "the spec with every default explicit, analysed")
  @ApiResponse(responseCode = "400", description = "invalid spec or over a limit")
  @ApiResponse(responseCode = "413", description = "the body is over the JSON size limit")
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      description = "An architecture spec (SPEC \"Architecture spec\")",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(ref = SpecSchemaDocs.SPEC),
              examples = @ExampleObject(name = "seed-3x3", value = SEED_3X3)))
  Analyzed analyze(InputStream body) {
    ArchitectureService.Checked c = architectures.check(architectures.read(body), "");
    return new Analyzed(c.spec().name(), SpecWriter.write(c.spec()), c.analysis());
  }

  /** An analysed spec, nothing stored. */
  record Analyzed(
      String name, @Schema(ref = SpecSchemaDocs.SPEC) JsonNode spec, Analysis analysis) {}

  @GetMapping
  @Operation(operationId = "listArchitectures", summary = "List stored architectures, oldest first")
  Page<ArchitectureResource> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    return architectures.list(page, size);
  }

  @GetMapping("/presets")
  @Operation(
      operationId = "listPresets",
      summary = "Built-in architectures",
      description =
          "seed-3x3, seed-5x5, seed-separable (the article's CIFAR-10 nets), VGG-, ResNet- and"
              + " MobileNet-style CIFAR nets; post a preset's spec to create it.")
  List<Preset> presets() {
    return architectures.presets();
  }

  @GetMapping("/{id}")
  @Operation(operationId = "getArchitecture", summary = "Read an architecture with its analysis")
  ArchitectureResource get(@PathVariable String id) {
    return architectures.get(id);
  }

  @GetMapping(path = "/{id}/summary", produces = MediaType.TEXT_PLAIN_VALUE)
  @Operation(
      operationId = "getArchitectureSummary",
      summary = "The analysis as a text table",
      description = "Like Keras model.summary(): one row per layer, then the totals.")
  String summary(@PathVariable String id) {
    return architectures.summary(id);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      operationId = "deleteArchitecture",
      summary = "Delete an architecture (its variants stay)")
  @ApiResponse(responseCode = "204", description = "deleted")
  void delete(@PathVariable String id) {
    architectures.delete(id);
  }

  @PostMapping(path = "/{id}/variants", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      operationId = "createVariants",
      summary = "Derive lighter variants (the article's transformations)",
      description =
          "One stored architecture per transform: factorize (k x k -> stacked 3x3),"
              + " spatialSeparable (k x 1 + 1 x k), depthwiseSeparable, {bottleneck: r}"
              + " (1x1 to c/r, k x k, 1x1 to c), {grouped: g}. keepFirst [true] leaves the first"
              + " conv as it is. Each comes with a comparison to the base.")
  @ApiResponse(responseCode = "201", description = "one stored variant per transform")
  @ApiResponse(
      responseCode = "409",
      description = "a transform does not apply to the base, or a variant is over a limit")
  Variants variants(
      @PathVariable String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = VariantsRequest.class),
                      examples = @ExampleObject(name = "all transforms", value = VARIANTS)))
          @RequestBody(required = false)
          JsonNode body) {
    return architectures.variants(id, body);
  }
}
