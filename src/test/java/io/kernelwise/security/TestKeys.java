package io.kernelwise.security;

/**
 * The bootstrap admin key of the test configuration (src/test/resources/config/application.yml).
 */
public final class TestKeys {
  public static final String ADMIN = "kw-test-admin-key-not-a-secret-0123456789";
  public static final String BEARER = "Bearer " + ADMIN;

  private TestKeys() {}
}
