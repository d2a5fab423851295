package io.kernelwise.system;

import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Jackson's errors in the API's terms: the path of the failing value ({@code
 * hyperparameters.batchSize}) and what it must be, in JSON words. Jackson's own messages name Java
 * types ({@code java.lang.Integer}), features ({@code JsonReadFeature...}) and limits' getters
 * ({@code StreamReadConstraints.getMaxNestingDepth()}): none of that reaches a client.
 */
public final class JsonProblems {
  private static final Pattern CODE = Pattern.compile("`[^`]*`");
  private static final Pattern FROM_CODE = Pattern.compile(",?\\s*from\\s*`[^`]*`");
  private static final Pattern ENABLE_CODE =
      Pattern.compile("[;:,]?\\s*(?:\\(|)(?:enable|use|set|since)\\b[^`]*`[^`]*`.*$");
  private static final Pattern GROUP_WITH_CODE = Pattern.compile("\\s*\\([^()]*`[^`]*`[^()]*\\)");
  private static final Pattern GROUP_WITH_FEATURE =
      Pattern.compile("\\s*\\([^()]*\\b(?:Feature|feature)\\b[^()]*\\)");
  private static final Pattern SOURCE =
      Pattern.compile("\\s*\\(?(?:start marker at )?\\[Source:.*$");

  private JsonProblems() {}

  /**
   * The failing value's path below {@code root} ({@code ""} for a whole body): {@code
   * hyperparameters.optimizer.type}, {@code layers[2]}; {@code root}, or {@code body}, when the
   * error has no path.
   */
  public static String path(String root, JacksonException e) {
    StringBuilder sb = new StringBuilder(root == null ? "" : root);
    for (JacksonException.Reference r : e.getPath()) {
      if (r.getPropertyName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "body" : sb.toString();
  }

  /** Whether the JSON was well-formed and a value did not fit its field. */
  public static boolean isBinding(JacksonException e) {
    return e instanceof DatabindException || e instanceof InputCoercionException;
  }

  /** A binding error as one entry of {@code errors[]}. */
  public static FieldProblem field(String root, JacksonException e) {
    return new FieldProblem(path(root, e), binding(e));
  }

  /** What a value that did not bind must be: "must be an integer that fits 32 bits". */
  public static String binding(JacksonException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown field";
    }
    Class<?> target =
        e instanceof MismatchedInputException mismatch
            ? mismatch.getTargetType()
            : e instanceof InputCoercionException coercion ? coercion.getTargetType() : null;
    if (target != null) {
      return "must be " + jsonType(target);
    }
    String m = scrub(e.getOriginalMessage());
    return m.isEmpty() ? "has the wrong type" : "has the wrong type or value: " + m;
  }

  /** A malformed body: "is not valid JSON at line 1, column 9: Unexpected end-of-input". */
  public static String syntax(JacksonException e) {
    String where =
        e.getLocation() == null || e.getLocation().getLineNr() < 0
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    String m = scrub(e.getOriginalMessage());
    return "is not valid JSON" + where + (m.isEmpty() ? "" : ": " + m);
  }

  /**
   * Jackson's message, first line, without what names its code: {@code (1000, from
   * `StreamReadConstraints.getMaxNestingDepth()`)} becomes {@code (1000)}, hints to enable a
   * feature and source descriptions go; {@link SafeText} removes any class name left.
   */
  static String scrub(String message) {
    if (message == null) {
      return "";
    }
    String m = message;
    int cut = m.indexOf('\n');
    m = cut >= 0 ? m.substring(0, cut) : m;
    m = SOURCE.matcher(m).replaceAll("");
    m = FROM_CODE.matcher(m).replaceAll("");
    m = ENABLE_CODE.matcher(m).replaceAll("");
    m = GROUP_WITH_CODE.matcher(m).replaceAll("");
    m = GROUP_WITH_FEATURE.matcher(m).replaceAll("");
    m = CODE.matcher(m).replaceAll("a value");
    m = SafeText.scrub(m);
    return m.strip().replaceAll("[\\s;:,(]+$", "");
  }

  /** A Java type in JSON's words. */
  static String jsonType(Class<?> type) {
    if (type == int.class || type == Integer.class || type == short.class || type == Short.class) {
      return "an integer that fits 32 bits";
    }
    if (type == long.class || type == Long.class) {
      return "an integer that fits 64 bits";
    }
    if (Number.class.isAssignableFrom(type)
        || type == double.class
        || type == float.class
        || type == byte.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (CharSequence.class.isAssignableFrom(type) || type == char.class) {
      return "a string";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> ((Enum<?>) c).name())
              .collect(Collectors.joining(", "));
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "an ISO-8601 date-time such as 2030-01-01T00:00:00Z";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    return "an object";
  }
}
