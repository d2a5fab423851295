package io.kernelwise.inference;

import java.util.List;

/** What preprocessing and answers need to know about a loaded model. */
public record ServingInfo(
    List<String> labels, int channels, int height, int width, float[] mean, float[] std) {}
