package io.kernelwise.architecture;

import java.util.Arrays;
import java.util.Optional;

/** Activation functions of the DSL, by their JSON names. */
public enum Activation {
  NONE("none"),
  RELU("relu"),
  RELU6("relu6"),
  GELU("gelu"),
  SILU("silu"),
  SIGMOID("sigmoid"),
  TANH("tanh"),
  SOFTMAX("softmax");

  private final String json;

  Activation(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  public static Optional<Activation> fromJson(String name) {
    return Arrays.stream(values()).filter(a -> a.json.equals(name)).findFirst();
  }
}
