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

  /** The spec as JSON, accepted back by {@link #parse}. */
  String toJson(ArchitectureSpec spec);
}
