package io.kernelwise.system;

import java.text.Normalizer;

/**
 * The one check on names that people give (architectures, datasets, experiments, API keys): a name
 * is shown in lists, logs, charts and the dashboard, so it may not hold control characters (a NUL,
 * a newline, an escape), bidirectional controls (U+202E can make "exe.txt" read "txt.exe") or lone
 * surrogates (which are no text at all). What remains is stored NFC-normalised, so that the same
 * name typed on two keyboards is one name.
 */
public final class Names {
  private Names() {}

  /**
   * {@code name} in NFC, or a 400 naming {@code field} when it holds a character a name may not.
   * Length and emptiness are the caller's rules.
   */
  public static String check(String field, String name) {
    String why = problem(name);
    if (why != null) {
      throw ApiException.invalid(field, why);
    }
    return name == null ? null : Normalizer.normalize(name, Normalizer.Form.NFC);
  }

  /** What is wrong with {@code name}, or null when nothing is. */
  public static String problem(String name) {
    if (name == null) {
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++; // a pair: one supplementary character
        continue;
      }
      if (Character.isSurrogate(c)) {
        return "must be text: it holds a lone surrogate (" + hex(c) + ") at index " + i;
      }
      if (Character.isISOControl(c)) {
        return "must not hold control characters (" + hex(c) + " at index " + i + ")";
      }
      if (bidiControl(c)) {
        return "must not hold bidirectional text controls (" + hex(c) + " at index " + i + ")";
      }
    }
    return null;
  }

  /**
   * {@code text} without the characters {@link #problem} refuses, NFC-normalised: for names taken
   * from somewhere a person did not type them (an upload's file name).
   */
  public static String clean(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        sb.append(c).append(text.charAt(++i));
      } else if (!Character.isSurrogate(c) && !Character.isISOControl(c) && !bidiControl(c)) {
        sb.append(c);
      }
    }
    return Normalizer.normalize(sb, Normalizer.Form.NFC);
  }

  /** Unicode's Bidi_Control characters: ALM, LRM, RLM, the embeddings, overrides and isolates. */
  static boolean bidiControl(char c) {
    return c == '\u061C'
        || c == '\u200E'
        || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069');
  }

  private static String hex(char c) {
    return String.format("U+%04X", (int) c);
  }
}
