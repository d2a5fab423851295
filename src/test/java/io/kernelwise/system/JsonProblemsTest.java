package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jackson's errors as the API reports them: no Java types, features, limits' getters or sources.
 */
class JsonProblemsTest {
  static final JsonMapper STRICT = StrictJson.apply(JsonMapper.builder()).build();

  record Hp(Integer epochs, Boolean flip, String name, Double rate, Long seed, List<Integer> ids) {}

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\": NaN}",
        "{\"a\": 01}",
        "{/* comment */ \"a\": 1}",
        "{'a': 1}",
        "{a: 1}",
        "{\"a\": 1,}",
        "[1, 2",
        "{\"a\": \"\u0001\"}",
        "{\"a\": tru}",
        "{\"a\": 1} x",
        "\"\\uZZZZ\"",
        "{\"a\": -}",
      })
  void syntaxErrorsNameNoCode(String json) {
    JacksonException e = catchThrowableOfType(JacksonException.class, () -> STRICT.readTree(json));
    String message = JsonProblems.syntax(e);
    assertThat(message).startsWith("is not valid JSON at line 1");
    assertNoCode(message);
  }

  @Test
  void limitsAreReportedWithoutTheirGetters() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    String longNumber = "{\"a\": " + "9".repeat(5000) + "}";
    for (String json : List.of(deep, longNumber)) {
      JacksonException e =
          catchThrowableOfType(JacksonException.class, () -> STRICT.readTree(json));
      String message = JsonProblems.syntax(e);
      assertNoCode(message);
      assertThat(message).contains("exceeds the maximum allowed (");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"epochs\": 2.5}|epochs|must be an integer that fits 32 bits",
        "{\"epochs\": \"2\"}|epochs|must be an integer that fits 32 bits",
        "{\"epochs\": true}|epochs|must be an integer that fits 32 bits",
        "{\"epochs\": \"\"}|epochs|must be an integer that fits 32 bits",
        "{\"flip\": 7}|flip|must be true or false",
        "{\"flip\": \"true\"}|flip|must be true or false",
        "{\"name\": 5}|name|must be a string",
        "{\"name\": false}|name|must be a string",
        "{\"rate\": \"0.1\"}|rate|must be a number",
        "{\"seed\": 4.2}|seed|must be an integer that fits 64 bits",
        "{\"ids\": [1, 2.5]}|ids[1]|must be an integer that fits 32 bits",
        "{\"ids\": 3}|ids|must be an array",
      })
  void valuesThatDoNotFitAreNamedByTheirPath(String c) {
    String[] parts = c.split("\\|");
    JacksonException e =
        catchThrowableOfType(JacksonException.class, () -> STRICT.readValue(parts[0], Hp.class));
    assertThat(JsonProblems.isBinding(e)).isTrue();
    FieldProblem p = JsonProblems.field("hp", e);
    assertThat(p.field()).isEqualTo("hp." + parts[1]);
    assertThat(p.message()).isEqualTo(parts[2]);
  }

  @Test
  void integersStillConvertToFloatingPoint() {
    assertThat(STRICT.readValue("{\"rate\": 1}", Hp.class).rate()).isEqualTo(1.0);
  }

  static void assertNoCode(String message) {
    assertThat(SafeText.namesCode(message)).as(message).isFalse();
    assertThat(message)
        .doesNotContain("java.", "tools.jackson", "Feature", "Constraints", "[Source", "REDACTED");
  }
}
