package io.kernelwise.datasets;

import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/api/v1/datasets")
@Tag(
    name = "Datasets",
    description =
        "Image-folder zip uploads and the built-ins cifar10, mnist, fashion-mnist, decoded once into"
            + " a uint8 tensor cache that training reads")
class DatasetController {
  private final DatasetService datasets;

  DatasetController(DatasetService datasets) {
    this.datasets = datasets;
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @Operation(
      operationId = "uploadDataset",
      summary = "Upload an image-folder zip",
      description =
          """
          Layouts: `<class>/<image>` (no test split; training holds out `validationSplit`) or \
          `train/<class>/<image>` + `test/<class>/<image>` (`val/` or `validation/` count as \
          test); one top-level wrapper folder is ignored; classes are the sorted folder names; \
          images in subfolders of a class folder belong to that class. JPEG and PNG, gray or \
          color: `channels` is 1 only if every image is grayscale, else 3 (gray images are \
          replicated).

          **Mixed sizes**: every image is resized (bilinear) to the most common size among the \
          train images; `resized` counts them.

          **Bad files are skipped, not fatal**: a file that is not a decodable JPEG/PNG, an image \
          whose header declares a side above `maxImageSide`, a file outside a class folder — \
          each is listed in `skipped` with its reason. A class left without any train image \
          fails the upload.

          **Refused with 400, nothing stored**: not a zip, an empty zip, no class folders, fewer \
          than 2 or more than `maxClasses` classes, entry names with `..` or absolute paths, \
          more than `maxEntries` entries, more than `maxUncompressedSize` bytes inflated or an \
          entry inflating more than `maxCompressionRatio` times (counted while inflating, not \
          read from headers). Over `maxUploadSize`: 413.

          **Synchronous or not**: zips up to `kernelwise.datasets.sync-ingest-max-size` (32MB) \
          are ingested within the request → `201` READY. Larger ones (or `async=true`) → `202` \
          with state INGESTING and `progress`; poll `Location` until READY or FAILED (with \
          `reason`, and no files left behind). Structural problems are still a 400 at upload.\
          """)
  @ApiResponse(
      responseCode = "201",
      description = "ingested, READY",
      headers = @Header(name = "Location", schema = @Schema(type = "string")))
  @ApiResponse(
      responseCode = "202",
      description = "accepted, INGESTING in the background",
      headers = @Header(name = "Location", schema = @Schema(type = "string")))
  @ApiResponse(responseCode = "400", description = "not an acceptable image-folder zip")
  @ApiResponse(responseCode = "413", description = "over kernelwise.datasets.max-upload-size")
  @ApiResponse(
      responseCode = "503",
      description = "the service is shutting down; upload again later")
  ResponseEntity<DatasetView> upload(
      @Parameter(
              description = "the zip archive",
              content =
                  @Content(
                      mediaType = "application/zip",
                      schema = @Schema(type = "string", format = "binary")))
          @RequestPart("file")
          MultipartFile file,
      @Parameter(description = "display name; defaults to the file name without .zip")
          @RequestParam(required = false)
          String name,
      @Parameter(description = "force background (true) or in-request (false) ingest")
          @RequestParam(required = false)
          Boolean async) {
    DatasetService.Upload upload = datasets.upload(file, name, async);
    URI location = URI.create("/api/v1/datasets/" + upload.dataset().id());
    return ResponseEntity.status(upload.accepted() ? HttpStatus.ACCEPTED : HttpStatus.CREATED)
        .location(location)
        .body(upload.dataset());
  }

  @GetMapping
  @Operation(
      operationId = "listDatasets",
      summary = "List datasets",
      description =
          "Built-ins first (with `available`: READY when converted, AVAILABLE when their files are"
              + " in <dataDir>/builtin/<id>/ or, online (kernelwise.djl.offline=false), can be"
              + " downloaded through DJL: converted on first use; MISSING otherwise, with a"
              + " `reason` naming the files to put where), then uploads, newest first.")
  Page<DatasetView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    return datasets.list(page, size);
  }

  @GetMapping("/{id}")
  @Operation(operationId = "getDataset", summary = "Read a dataset (poll it while INGESTING)")
  @ApiResponse(responseCode = "200", description = "the dataset")
  @ApiResponse(responseCode = "404", description = "unknown id")
  DatasetView get(
      @Parameter(description = "dataset id or built-in name", example = "cifar10") @PathVariable
          String id) {
    return datasets.get(id);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      operationId = "deleteDataset",
      summary = "Delete an uploaded dataset and its tensor cache",
      description = "409 for a built-in or a dataset still INGESTING.")
  @ApiResponse(responseCode = "204", description = "deleted")
  @ApiResponse(responseCode = "409", description = "built-in or still ingesting")
  void delete(@PathVariable String id) {
    datasets.delete(id);
  }
}
