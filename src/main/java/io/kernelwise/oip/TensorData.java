package io.kernelwise.oip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor's {@code data} as sent: flat or nested JSON arrays of numbers or of strings, read
 * element by element (no JSON tree) up to a bound. Keeps how the arrays nest, so that nested data
 * can be checked against the declared shape. Binary tensor data (the extension) fills it too.
 */
final class TensorData {
  private float[] numbers = new float[256];
  private int count;
  private boolean integers = true;
  private final List<byte[]> strings = new ArrayList<>();
  private boolean stringsSeen;
  private boolean base64 = true;
  private final int[] lengths = new int[InferRequestReader.MAX_DEPTH + 1];
  private boolean ragged;
  private int scalarDepth = -1;
  private int depth;

  TensorData() {
    Arrays.fill(lengths, -1);
  }

  /** Binary data (the extension): the elements are already flat. */
  static TensorData flat(float[] numbers, boolean integers) {
    TensorData d = new TensorData();
    d.numbers = numbers;
    d.count = numbers.length;
    d.integers = integers;
    d.depth = 1;
    return d;
  }

  static TensorData flatStrings(List<byte[]> strings) {
    TensorData d = new TensorData();
    d.strings.addAll(strings);
    d.stringsSeen = true;
    d.base64 = false;
    d.depth = 1;
    return d;
  }

  void addNumber(float v, boolean integer, int atDepth) {
    scalarAt(atDepth);
    if (count == numbers.length) {
      numbers = Arrays.copyOf(numbers, numbers.length * 2);
    }
    numbers[count++] = v;
    integers &= integer;
  }

  void addString(byte[] s, int atDepth) {
    scalarAt(atDepth);
    stringsSeen = true;
    strings.add(s);
  }

  /** An array at {@code atDepth} (1 = the outermost) closed with {@code length} items. */
  void closeArray(int atDepth, int length) {
    depth = Math.max(depth, atDepth);
    if (lengths[atDepth] == -1) {
      lengths[atDepth] = length;
    } else if (lengths[atDepth] != length) {
      ragged = true;
    }
  }

  private void scalarAt(int atDepth) {
    if (scalarDepth == -1) {
      scalarDepth = atDepth;
    } else if (scalarDepth != atDepth) {
      ragged = true;
    }
  }

  int size() {
    return stringsSeen ? strings.size() : count;
  }

  boolean isStrings() {
    return stringsSeen;
  }

  boolean isNumbers() {
    return count > 0;
  }

  /** All numbers were written as JSON integers. */
  boolean integers() {
    return integers;
  }

  float number(int i) {
    return numbers[i];
  }

  float[] numbers() {
    return numbers;
  }

  /** JSON strings carry their bytes base64-encoded; binary data carries them raw. */
  boolean base64() {
    return base64;
  }

  byte[] string(int i) {
    return strings.get(i);
  }

  /**
   * Null when the data fits the shape: flat with as many elements as the shape holds, or nested
   * exactly as the shape (every array at depth d holding shape[d] items); else what is wrong.
   */
  String mismatch(long[] shape) {
    long expected = 1;
    for (long d : shape) {
      expected *= d;
    }
    if (ragged || (count > 0 && stringsSeen)) {
      return "is ragged or mixed: every array at one depth must have the same length and one type";
    }
    if (depth <= 1) {
      return size() == expected
          ? null
          : "holds "
              + size()
              + " elements but shape "
              + Arrays.toString(shape)
              + " needs "
              + expected;
    }
    boolean nestedLikeShape = depth == shape.length && (size() == 0 || scalarDepth == depth);
    for (int d = 0; nestedLikeShape && d < shape.length; d++) {
      nestedLikeShape = lengths[d + 1] == shape[d];
    }
    if (!nestedLikeShape) {
      return "is nested as "
          + nesting()
          + " but shape is "
          + Arrays.toString(shape)
          + " (send it flat, or nested exactly as the shape)";
    }
    return null;
  }

  private String nesting() {
    StringBuilder s = new StringBuilder();
    for (int d = 1; d <= depth; d++) {
      s.append('[').append(lengths[d]).append(']');
    }
    return s.toString();
  }
}
