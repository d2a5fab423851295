package io.kernelwise.models;

import java.util.List;

/** The files of one model, in its store directory and in its artifact zip (flat, no folders). */
public final class ModelFiles {
  public static final String SPEC = "spec.json";
  public static final String PARAMETERS = "parameters";
  public static final String LABELS = "labels.json";
  public static final String NORMALIZATION = "normalization.json";
  public static final String MANIFEST = "manifest.json";

  /** The files the manifest checksums; the manifest itself is written last. */
  public static final List<String> CHECKSUMMED = List.of(SPEC, PARAMETERS, LABELS, NORMALIZATION);

  public static final List<String> ALL = List.of(SPEC, PARAMETERS, LABELS, NORMALIZATION, MANIFEST);

  public static final int FORMAT_VERSION = 1;

  private ModelFiles() {}
}
