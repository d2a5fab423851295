package io.kernelwise.datasets;

import java.util.List;

/**
 * What a job request is checked against: a READY dataset's classes, image shape, and how many
 * training images it has (and whether a test split exists, else training holds out a validation
 * share of them).
 */
public record DatasetShape(
    String id,
    List<String> classes,
    int channels,
    int height,
    int width,
    int trainImages,
    boolean hasTest) {}
