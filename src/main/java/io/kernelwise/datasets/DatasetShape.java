package io.kernelwise.datasets;

import java.util.List;

/** What a job request is checked against: a READY dataset's classes and image shape. */
public record DatasetShape(String id, List<String> classes, int channels, int height, int width) {}
