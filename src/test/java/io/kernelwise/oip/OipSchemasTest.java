package io.kernelwise.oip;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The schema checks of the HTTP tests can fail: the protocol's schemas are really applied. */
class OipSchemasTest {
  static final JsonMapper JSON = JsonMapper.shared();

  @Test
  void responsesThatBreakTheProtocolsSchemasAreRejected() {
    OipSchemas.assertValid(
        "inference_response",
        JSON.readTree(
            "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"o\",\"shape\":[1],"
                + "\"datatype\":\"FP32\",\"data\":[0.5]}]}"));
    assertThatThrownBy(
            () ->
                OipSchemas.assertValid(
                    "inference_response",
                    JSON.readTree("{\"outputs\":[{\"name\":\"o\",\"shape\":[1],\"data\":[1]}]}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("model_name");
    assertThatThrownBy(
            () ->
                OipSchemas.assertValid(
                    "metadata_model_response",
                    JSON.readTree(
                        "{\"name\":\"m\",\"platform\":\"p\",\"inputs\":[{\"name\":\"i\"}]}")))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () -> OipSchemas.assertError("inference_error_response", JSON.readTree("{\"e\":1}")))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () -> OipSchemas.assertHealth("model_ready", JSON.readTree("{\"ready\":\"yes\"}")))
        .isInstanceOf(AssertionError.class);
  }
}
