package io.kernelwise.models;

/** Where trained models are recorded: the model store on disk plus a database row. */
public interface ModelRegistry {
  /**
   * Copies the parameters into the model store (atomically), records the model and returns its id.
   * An earlier registration for the same job (a run that crashed or was superseded before it could
   * end its job) is replaced: a job has at most one model.
   */
  String register(NewModel model);

  /** Removes a model registered for a run that could not end its job; absent ids are ignored. */
  void discard(String modelId);
}
