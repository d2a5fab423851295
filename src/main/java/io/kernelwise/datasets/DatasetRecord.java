package io.kernelwise.datasets;

import java.time.Instant;

/** One row of {@code datasets}: an uploaded dataset. {@code manifest} is null until READY. */
record DatasetRecord(
    String id,
    String name,
    DatasetState state,
    String reason,
    double progress,
    CacheManifest manifest,
    long sizeBytes,
    Instant createdAt,
    Instant finishedAt) {}
