package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one check on names people give: no controls, no bidi controls, no lone surrogates; NFC. */
class NamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\u0000b",
        "tab\there",
        "new\nline",
        "esc\u001b[31m",
        "del\u007f",
        "c1\u0085",
        "invoice\u202Egpj.exe",
        "\u202Aembedded",
        "\u2066isolate\u2069",
        "mark\u200F",
        "lone\uD800",
        "\uDC00low first",
        "pair reversed \uDE00\uD83D",
      })
  void refusesWhatANameMayNotHold(String name) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> Names.check("name", name));
    assertThat(e.status().value()).isEqualTo(400);
    assertThat(e.errors()).singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("name"));
    assertThat(e.getMessage()).containsPattern("U\\+[0-9A-F]{4}");
  }

  @Test
  void normalisesToNfcAndKeepsOtherText() {
    assertThat(Names.check("name", "Cafe\u0301")).isEqualTo("Caf\u00e9");
    assertThat(Names.check("name", "3x3 stack vs 5\u00d75 \uD83D\uDE00 \u05e9\u05dc\u05d5\u05dd"))
        .isEqualTo("3x3 stack vs 5\u00d75 \uD83D\uDE00 \u05e9\u05dc\u05d5\u05dd");
    assertThat(Names.check("name", null)).isNull();
  }

  @Test
  void cleanDropsWhatCheckRefuses() {
    assertThat(Names.clean("a\u0000b\u202Ec\uD800e\u0301")).isEqualTo("abc\u00e9");
  }
}
