package io.kernelwise.datasets;

import io.swagger.v3.oas.annotations.media.Schema;

/** A file of an upload that was left out of the dataset, and why. */
@Schema(description = "A file left out of the dataset, with the reason")
public record SkippedFile(
    @Schema(example = "train/cat/0042.jpg") String file,
    @Schema(example = "cannot decode: Premature end of JPEG file") String reason) {}
