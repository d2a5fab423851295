package io.kernelwise.system;

import java.util.List;

/** A page of a list, as every list endpoint answers: {@code {items, page, size, total}}. */
public record Page<T>(List<T> items, int page, int size, long total) {
  public static final int MAX_SIZE = 500;

  public static <T> Page<T> of(List<T> all, int page, int size) {
    int from = (int) Math.min(offset(page, size), all.size());
    int to = Math.min(from + size, all.size());
    return new Page<>(all.subList(from, to), page, size, all.size());
  }

  /**
   * Validates {@code page} and {@code size} the same way for every list and answers the offset of
   * the page's first row; an offset beyond {@code int} is refused, so stores may take it as an int.
   */
  public static int offset(int page, int size) {
    if (page < 0) {
      throw ApiException.invalid("page", "must be 0 or more");
    }
    if (size < 1 || size > MAX_SIZE) {
      throw ApiException.invalid("size", "must be between 1 and " + MAX_SIZE);
    }
    long offset = (long) page * size;
    if (offset > Integer.MAX_VALUE) {
      throw ApiException.invalid(
          "page", "page * size must be at most " + Integer.MAX_VALUE + ", not " + offset);
    }
    return (int) offset;
  }
}
