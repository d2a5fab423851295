package io.kernelwise.datasets;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** A dataset as the API shows it: an upload or a built-in. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(
    description =
        "A dataset: an uploaded image-folder zip or a built-in. Fields without a value (a"
            + " built-in not yet converted, an upload still ingesting) are left out.")
public record DatasetView(
    @Schema(example = "3f6c2a9e-5b1d-4c1e-9a57-0c2d7a1e8b44") String id,
    @Schema(example = "cifar10-mini") String name,
    @Schema(description = "true for cifar10, mnist, fashion-mnist") boolean builtin,
    @Schema(description = "true when the dataset can be trained on now or after conversion")
        boolean available,
    @Schema(example = "READY") DatasetState state,
    @Schema(description = "why the dataset FAILED or is MISSING", nullable = true) String reason,
    @Schema(description = "ingest progress 0..1", example = "1.0", nullable = true) Double progress,
    @Schema(example = "[\"airplane\",\"automobile\"]", nullable = true) List<String> classes,
    @Schema(example = "1000", nullable = true) Integer trainCount,
    @Schema(example = "200", nullable = true) Integer testCount,
    @Schema(description = "train images per class, in the order of classes", nullable = true)
        int[] trainPerClass,
    @Schema(description = "test images per class, in the order of classes", nullable = true)
        int[] testPerClass,
    @Schema(example = "3", nullable = true) Integer channels,
    @Schema(example = "32", nullable = true) Integer height,
    @Schema(example = "32", nullable = true) Integer width,
    @Schema(
            description = "per-channel mean on 0..1 over train",
            example = "[0.49,0.48,0.45]",
            nullable = true)
        float[] mean,
    @Schema(
            description = "per-channel std on 0..1 over train",
            example = "[0.25,0.24,0.26]",
            nullable = true)
        float[] std,
    @Schema(description = "images resized to the dataset's size", nullable = true) Integer resized,
    @Schema(description = "files left out, with reasons (at most 1000 listed)", nullable = true)
        List<SkippedFile> skipped,
    @Schema(description = "bytes of the tensor cache on disk", nullable = true) Long sizeBytes,
    @Schema(description = "uploads only", nullable = true) Instant createdAt,
    @Schema(description = "when the ingest ended; uploads only", nullable = true)
        Instant finishedAt) {

  static DatasetView of(DatasetRecord r) {
    CacheManifest m = r.manifest();
    return new DatasetView(
        r.id(),
        r.name(),
        false,
        r.state() == DatasetState.READY,
        r.state(),
        r.reason(),
        r.progress(),
        m == null ? null : m.classes(),
        m == null ? null : m.trainCount(),
        m == null ? null : m.testCount(),
        m == null ? null : m.trainPerClass(),
        m == null ? null : m.testPerClass(),
        m == null ? null : m.channels(),
        m == null ? null : m.height(),
        m == null ? null : m.width(),
        m == null ? null : m.mean(),
        m == null ? null : m.std(),
        m == null ? null : m.resized(),
        m == null ? null : m.skipped(),
        r.sizeBytes(),
        r.createdAt(),
        r.finishedAt());
  }

  static DatasetView builtin(
      BuiltinDataset b, DatasetState state, String reason, CacheManifest m, long sizeBytes) {
    return new DatasetView(
        b.id,
        b.title,
        true,
        state != DatasetState.MISSING,
        state,
        reason,
        null,
        m == null ? b.classes : m.classes(),
        m == null ? null : m.trainCount(),
        m == null ? null : m.testCount(),
        m == null ? null : m.trainPerClass(),
        m == null ? null : m.testPerClass(),
        m == null ? null : m.channels(),
        m == null ? null : m.height(),
        m == null ? null : m.width(),
        m == null ? null : m.mean(),
        m == null ? null : m.std(),
        null,
        null,
        m == null ? null : sizeBytes,
        null,
        null);
  }
}
