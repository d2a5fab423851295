package io.kernelwise.models;

/** A model's files cannot be turned into a working network; {@code file} names the culprit. */
public class InvalidModelException extends RuntimeException {
  private final String file;

  public InvalidModelException(String file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  public InvalidModelException(String file, String message) {
    this(file, message, null);
  }

  public String file() {
    return file;
  }
}
