package io.kernelwise.experiments;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.springframework.http.CacheControl;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/experiments")
@Tag(name = "Experiments", description = "Architectures trained side by side, compared and charted")
class ExperimentController {
  private static final String BY_IDS =
      """
      {"name": "3x3 stack vs 5x5 vs separable",
       "architectureIds": ["<seed-3x3 id>", "<seed-5x5 id>", "<seed-separable id>"],
       "datasetId": "cifar10",
       "hyperparameters": {"epochs": 10, "batchSize": 128,
         "optimizer": {"type": "adam", "learningRate": 0.001}},
       "device": "auto"}""";
  private static final String BY_TRANSFORMS =
      """
      {"baseArchitectureId": "<seed-5x5 id>",
       "transforms": ["factorize", "depthwiseSeparable", {"bottleneck": 4}],
       "keepFirst": true,
       "datasetId": "cifar10",
       "hyperparameters": {"epochs": 10}}""";
  static final int MIN_SIZE = 200;
  static final int MAX_SIZE = 4000;

  private final ExperimentService experiments;

  ExperimentController(ExperimentService experiments) {
    this.experiments = experiments;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "createExperiment",
      summary = "Start an experiment: one training job per architecture",
      description =
          "Either architectureIds, or baseArchitectureId with transforms (and keepFirst): then a"
              + " variant is created per transform and compared with the base. All jobs share"
              + " datasetId, hyperparameters and device, and are checked like POST /jobs before"
              + " anything is stored: a 400 names each bad field, a 404/409 an unknown or"
              + " unfitting architecture or dataset.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = ExperimentRequestDoc.class),
                      examples = {
                        @ExampleObject(name = "architectures", value = BY_IDS),
                        @ExampleObject(name = "variants of a base", value = BY_TRANSFORMS)
                      })))
  @ApiResponse(
      responseCode = "202",
      description = "jobs queued; Location is the experiment",
      headers = @Header(name = "Location", schema = @Schema(type = "string")))
  @ApiResponse(
      responseCode = "404",
      description = "an unknown architecture (architectureIds, baseArchitectureId) or datasetId")
  @ApiResponse(
      responseCode = "409",
      description = "an architecture does not fit the dataset, or the dataset is not READY")
  ResponseEntity<ExperimentView> create(@RequestBody JsonNode body) {
    ExperimentView e = experiments.create(body);
    return ResponseEntity.accepted().location(URI.create("/api/v1/experiments/" + e.id())).body(e);
  }

  @GetMapping
  @Operation(operationId = "listExperiments", summary = "List experiments, newest first")
  Page<ExperimentView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    return experiments.list(page, size);
  }

  @GetMapping("/{id}")
  @Operation(
      operationId = "getExperiment",
      summary = "An experiment's comparison",
      description =
          "Per architecture: trainable parameters, MACs, receptive field, its job's state, epochs"
              + " done, best and final validation accuracy, test accuracy, mean seconds per epoch"
              + " and images per second. state is RUNNING until every job has ended.")
  ExperimentView get(@PathVariable String id) {
    return experiments.find(id);
  }

  @GetMapping("/{id}/chart")
  @Operation(
      operationId = "getExperimentChart",
      summary = "Validation accuracy per epoch, one line per architecture",
      description =
          "SVG by default; PNG with ?format=png or Accept: image/png. The legend names each"
              + " architecture with its parameter count.")
  @ApiResponse(
      responseCode = "200",
      description = "the chart",
      content = {
        @Content(mediaType = "image/svg+xml", schema = @Schema(type = "string")),
        @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary"))
      })
  ResponseEntity<byte[]> chart(
      @PathVariable String id,
      @Parameter(
              description = "svg or png (any case); overrides Accept",
              schema = @Schema(allowableValues = {"svg", "png", "SVG", "PNG"}))
          @RequestParam(required = false)
          String format,
      @Parameter(
              description = "pixels",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "200",
                      maximum = "4000",
                      defaultValue = "800"))
          @RequestParam(defaultValue = "800")
          int width,
      @Parameter(
              description = "pixels",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "200",
                      maximum = "4000",
                      defaultValue = "500"))
          @RequestParam(defaultValue = "500")
          int height,
      @Parameter(hidden = true) @RequestHeader(value = "Accept", required = false) String accept) {
    ExperimentChart.Format f = format(format, accept);
    size("width", width);
    size("height", height);
    byte[] image = ExperimentChart.render(experiments.chartData(id), f, width, height);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(f.mediaType))
        .cacheControl(CacheControl.noCache()) // it changes while the jobs train
        .body(image);
  }

  @PostMapping("/{id}/cancel")
  @Operation(
      operationId = "cancelExperiment",
      summary = "Cancel an experiment",
      description =
          "Cancels each of its jobs that has not ended (queued ones at once, running ones within"
              + " a training step); finished jobs keep their results. 409 if all had ended.")
  @ApiResponse(responseCode = "202", description = "cancelled or cancel requested")
  @ApiResponse(responseCode = "409", description = "every job had already ended")
  ResponseEntity<ExperimentView> cancel(@PathVariable String id) {
    return ResponseEntity.accepted().body(experiments.cancel(id));
  }

  /** {@code ?format=} wins; else the first of SVG/PNG that Accept takes, by quality; else SVG. */
  static ExperimentChart.Format format(String format, String accept) {
    if (format != null) {
      return switch (format.trim().toLowerCase(Locale.ROOT)) {
        case "svg" -> ExperimentChart.Format.SVG;
        case "png" -> ExperimentChart.Format.PNG;
        default -> throw ApiException.invalid("format", "must be svg or png, not '" + format + "'");
      };
    }
    if (accept == null || accept.isBlank()) {
      return ExperimentChart.Format.SVG;
    }
    List<MediaType> types;
    try {
      types = new ArrayList<>(MediaType.parseMediaTypes(accept));
    } catch (InvalidMediaTypeException e) {
      throw ApiException.invalid("Accept", "is not a valid media type list: " + e.getMessage());
    }
    types.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
    for (MediaType t : types) {
      for (ExperimentChart.Format candidate : ExperimentChart.Format.values()) {
        if (t.getQualityValue() > 0 && t.includes(MediaType.parseMediaType(candidate.mediaType))) {
          return candidate;
        }
      }
    }
    return ExperimentChart.Format.SVG;
  }

  private static void size(String field, int value) {
    if (value < MIN_SIZE || value > MAX_SIZE) {
      throw ApiException.invalid(field, "must be between " + MIN_SIZE + " and " + MAX_SIZE);
    }
  }
}
