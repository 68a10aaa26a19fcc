package io.github.selfreflect.reflect.llm;

/**
 * Every attempt failed with something that might have passed on a later try (rate limits, server
 * errors, dropped connections, timeouts, unusable 2xx bodies) and the retry budget is spent. The
 * message names the endpoint, the number of attempts and the last failure; {@link #failure()}
 * says what kind the last failure was, {@link #status()} is the last HTTP status (0 when the last
 * attempt got no response) and {@link #getCause()} the last I/O or parse error, if any.
 */
public final class LlmRetriesExhaustedException extends LlmException {

  /**
   * @param failure the last attempt's failure, with the number of attempts
   */
  public LlmRetriesExhaustedException(String message, LlmFailure failure, Throwable cause) {
    super(message, failure, cause);
  }

  /** How many requests were sent. */
  public int attempts() {
    return failure().attempts();
  }
}
