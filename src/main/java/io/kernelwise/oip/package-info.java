/**
 * The Open Inference Protocol v2 (KServe / Triton / DJL Serving REST) under {@code /v2}: health,
 * server and model metadata, model readiness and inference, on top of the {@code inference}
 * package's batching queue. Models are addressed by id or by name; models sharing a name are its
 * versions. Every error is the protocol's {@code {"error": "..."}} ({@link OipErrors}).
 */
package io.kernelwise.oip;
