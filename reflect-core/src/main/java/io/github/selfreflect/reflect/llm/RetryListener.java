package io.github.selfreflect.reflect.llm;

import java.time.Duration;

/**
 * Told about every retry before the client waits, so that callers can log or count them: a build
 * that silently spends minutes in rate-limit backoff looks hung.
 *
 * <p>Called on the thread that runs the request; keep it quick and thread-safe when the client is
 * shared.
 */
@FunctionalInterface
public interface RetryListener {

  /** Ignores every retry. */
  RetryListener NONE = (attempt, reason, delay) -> {};

  /**
   * @param attempt the number of the attempt that just failed, from 1
   * @param reason why it failed, e.g. {@code returned 429: Rate limit reached} or {@code
   *     SocketTimeoutException: timeout}; never contains the API key
   * @param delay how long the client will now wait before the next attempt
   */
  void onRetry(int attempt, String reason, Duration delay);
}
