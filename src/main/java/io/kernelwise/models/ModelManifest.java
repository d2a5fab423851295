package io.kernelwise.models;

import java.time.Instant;
import java.util.Map;

/**
 * {@code manifest.json} of a model directory and artifact: format version, provenance and the
 * SHA-256 of every other file, so an import can tell a tampered or truncated artifact. {@code
 * precision} is what the model trained in (fp32 | bf16; null in older manifests: fp32); its
 * parameters are fp32 either way and it is served in fp32.
 */
record ModelManifest(
    int formatVersion,
    Instant created,
    String modelId,
    String name,
    String architectureId,
    String datasetId,
    String jobId,
    Input input,
    int classes,
    Map<String, Double> metrics,
    Map<String, FileEntry> files,
    String precision) {

  record Input(int channels, int height, int width) {}

  record FileEntry(String sha256, long bytes) {}

  ModelManifest withModelId(String id) {
    return new ModelManifest(
        formatVersion,
        created,
        id,
        name,
        architectureId,
        datasetId,
        jobId,
        input,
        classes,
        metrics,
        files,
        precision);
  }
}
