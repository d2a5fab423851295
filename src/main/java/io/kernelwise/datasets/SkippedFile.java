package io.kernelwise.datasets;

import io.swagger.v3.oas.annotations.media.Schema;

/** A file of an upload that was left out of the dataset, and why. */
@Schema(description = "A file left out of the dataset, with the reason")
public record SkippedFile(
    @Schema(example = "train/cat/0042.jpg") String file,
    @Schema(example = "cannot decode: Premature end of JPEG file") String reason) {

  /** How many skipped files a manifest lists at most (the count is exact regardless). */
  static final int MAX_REPORTED = 1000;

  /** Adds one to a report shared by ingest threads, up to {@link #MAX_REPORTED}. */
  static void report(java.util.List<SkippedFile> report, String file, String reason) {
    synchronized (report) {
      if (report.size() < MAX_REPORTED) {
        report.add(new SkippedFile(file, reason));
      }
    }
  }
}
