package io.kernelwise.datasets;

import java.util.List;

/**
 * A READY dataset's tensors, loaded from the cache. {@code mean}/{@code std} are per channel on the
 * 0..1 scale, computed over the training split. {@code test} is null when the dataset has no test
 * split (training then holds out {@code validationSplit} of train).
 */
public record LoadedDataset(
    String id,
    String name,
    List<String> classes,
    int channels,
    int height,
    int width,
    float[] mean,
    float[] std,
    ImageSplit train,
    ImageSplit test) {}
