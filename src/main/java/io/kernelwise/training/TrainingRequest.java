package io.kernelwise.training;

import ai.djl.Device;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.datasets.LoadedDataset;
import java.nio.file.Path;

/**
 * One training run. {@code checkpointDir} belongs to the job: if it already holds a checkpoint the
 * run resumes after that checkpoint's epoch.
 */
public record TrainingRequest(
    String jobId,
    ArchitectureSpec spec,
    LoadedDataset data,
    Hyperparameters hyperparameters,
    Device device,
    Path checkpointDir) {}
