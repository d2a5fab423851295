package io.kernelwise.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Roles, each including the ones before it. */
public enum Role {
  READER,
  TRAINER,
  ADMIN;

  public boolean includes(Role other) {
    return ordinal() >= other.ordinal();
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Null for a name that is not a role (the caller reports the field). */
  @JsonCreator
  public static Role parse(String name) {
    return Arrays.stream(values()).filter(r -> r.wire().equals(name)).findFirst().orElse(null);
  }
}
