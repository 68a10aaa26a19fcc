package io.github.selfreflect.reflect.prompt;

/**
 * A model reply that cannot be used: not JSON, a changed K, an empty C or L, a reply cut off by
 * the token limit. Such a reply is retried and, if it stays invalid, reported as a failed target;
 * it is never cached as a success.
 */
public final class InvalidReplyException extends Exception {

  public InvalidReplyException(String message) {
    super(message);
  }

  public InvalidReplyException(String message, Throwable cause) {
    super(message, cause);
  }
}
