package io.kernelwise.architecture;

import tools.jackson.databind.JsonNode;

/** What other features need from architectures: stored specs, parsing and JSON. */
public interface ArchitectureCatalog {
  /** The stored architecture's spec; {@code ApiException} 404 if the id is unknown. */
  ArchitectureSpec spec(String architectureId);

  /**
   * Parses and validates an inline spec; a 400 {@code ApiException} names each bad field under
   * {@code fieldPrefix} (e.g. {@code architecture.layers[2].groups}).
   */
  ArchitectureSpec parse(JsonNode json, String fieldPrefix);

  /**
   * Reads back a spec stored earlier (a queued job's, a trained model's) with the stored-spec
   * limits, the looser of the configured and the default ones: lowering a limit later must not fail
   * queued jobs nor make trained models unservable. Still a 400 for a spec that is invalid.
   */
  ArchitectureSpec stored(JsonNode json);

  /** The spec as JSON, accepted back by {@link #parse}. */
  String toJson(ArchitectureSpec spec);
}
