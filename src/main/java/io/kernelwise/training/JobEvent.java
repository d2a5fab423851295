package io.kernelwise.training;

import java.time.Instant;

/**
 * One entry of a job's event log: {@code type} is {@code state}, {@code step}, {@code epoch} or
 * {@code resumed}; {@code dataJson} the payload sent as the SSE event's data.
 */
public record JobEvent(long seq, String jobId, String type, String dataJson, Instant createdAt) {}
