package io.github.selfreflect.reflect.llm;

/**
 * Every attempt failed with something that might have passed on a later try (rate limits, server
 * errors, dropped connections, timeouts, unusable 2xx bodies) and the retry budget is spent. The
 * message names the endpoint, the number of attempts and the last failure; {@link #status()} is
 * the last HTTP status (0 when the last attempt got no response) and {@link #getCause()} the last
 * I/O or parse error, if any.
 */
public final class LlmRetriesExhaustedException extends LlmException {

  private final int attempts;

  public LlmRetriesExhaustedException(String message, int status, int attempts, Throwable cause) {
    super(message, status, cause);
    this.attempts = attempts;
  }

  /** How many requests were sent. */
  public int attempts() {
    return attempts;
  }
}
