package io.github.selfreflect.reflect.llm;

/**
 * A request to a chat model failed for good. The message names the endpoint and, where there was
 * one, the HTTP status and the server's error message; it never contains the API key.
 */
public class LlmException extends Exception {

  private final int status;

  /**
   * @param status the HTTP status, or 0 when no response came back (timeouts, I/O errors)
   */
  public LlmException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status of the last response, or 0 when there was none. */
  public int status() {
    return status;
  }
}
