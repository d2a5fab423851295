package io.kernelwise.training;

/** Trains one network on one dataset (DJL, PyTorch engine). One run at a time per JVM. */
public interface TrainingEngine {
  TrainingResult train(TrainingRequest request, TrainingListener listener);
}
