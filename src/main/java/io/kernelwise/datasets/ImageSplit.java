package io.kernelwise.datasets;

/**
 * Decoded images of one split, as the tensor cache holds them: {@code pixels} is uint8 NCHW ({@code
 * count * channels * height * width} bytes), {@code labels[i]} the class index of image i.
 */
public record ImageSplit(int count, byte[] pixels, int[] labels) {}
