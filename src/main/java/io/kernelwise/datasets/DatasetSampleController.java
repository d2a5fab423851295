package io.kernelwise.datasets;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A few images of a dataset, for people to see what it holds. */
@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "Datasets")
class DatasetSampleController {
  private final DatasetService datasets;

  DatasetSampleController(DatasetService datasets) {
    this.datasets = datasets;
  }

  @GetMapping("/{id}/samples")
  @Operation(
      operationId = "getDatasetSamples",
      summary = "A few images of a READY dataset, as small PNGs",
      description =
          "count (1..32) images of the split, round-robin over the classes (every class shows up"
              + " when count allows), each a data: URL of a PNG scaled down to at most 128 px a"
              + " side, with its label. 404 unknown id, 409 not READY (or a built-in not yet"
              + " converted).")
  @ApiResponse(responseCode = "200", description = "the samples")
  @ApiResponse(responseCode = "409", description = "the dataset is not READY")
  DatasetSamples.Samples samples(
      @PathVariable String id,
      @Parameter(
              description = "1..32",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = "32",
                      defaultValue = "8"))
          @RequestParam(defaultValue = "8")
          int count,
      @Parameter(
              description = "train or test",
              schema = @Schema(allowableValues = {"train", "test"}))
          @RequestParam(defaultValue = "train")
          String split) {
    return DatasetSamples.read(id, datasets.samplesSource(id), split, count);
  }
}
