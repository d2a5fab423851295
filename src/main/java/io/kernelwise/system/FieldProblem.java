package io.kernelwise.system;

/** One entry of a problem's {@code errors} array: a field path and what is wrong with it. */
public record FieldProblem(String field, String message) {}
