package io.kernelwise.models;

/** Where trained models are recorded: the model store on disk plus a database row. */
public interface ModelRegistry {
  /**
   * Copies the parameters into the model store (atomically), records the model and returns its id.
   */
  String register(NewModel model);

  /** Removes a model registered for a run that could not end its job; absent ids are ignored. */
  void discard(String modelId);
}
