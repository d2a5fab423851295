package io.kernelwise.system;

import java.util.List;

/** A page of a list, as every list endpoint answers: {@code {items, page, size, total}}. */
public record Page<T>(List<T> items, int page, int size, long total) {
  public static <T> Page<T> of(List<T> all, int page, int size) {
    if (page < 0) {
      throw ApiException.invalid("page", "must be 0 or more");
    }
    if (size < 1 || size > 500) {
      throw ApiException.invalid("size", "must be between 1 and 500");
    }
    int from = (int) Math.min((long) page * size, all.size());
    int to = Math.min(from + size, all.size());
    return new Page<>(all.subList(from, to), page, size, all.size());
  }
}
