package io.github.selfreflect.reflect.llm;

import java.util.Objects;

/**
 * A request to a chat model failed for good. The message is for the build log: it names the
 * endpoint and, where there was one, the HTTP status and the server's error message; it never
 * contains the API key. What may be published with a dataset is {@link #failure()}'s {@link
 * LlmFailure#publicReason()}, which names no endpoint.
 */
public class LlmException extends Exception {

  private final LlmFailure failure;

  public LlmException(String message, LlmFailure failure, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** How the request failed, as facts rather than words. */
  public LlmFailure failure() {
    return failure;
  }

  /** The HTTP status of the last response, or 0 when there was none. */
  public int status() {
    return failure.status();
  }
}
