package io.github.selfreflect.reflect.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * How one HTTP attempt ended, as a {@link RequestGate} is told about it.
 *
 * @param attempt the number of this attempt for its request, from 1 (above 1 it was a retry)
 * @param sentAtNanos when the attempt was let through, on the gate's clock ({@link System#nanoTime})
 * @param status the HTTP status, or 0 when no response came back (timeout, reset connection)
 * @param retryAfter the delay the server asked for, or null
 * @param limits what the response's rate-limit headers said ({@link RateLimitInfo#NONE} if none)
 * @param usage the tokens a successful reply reports ({@link Usage#NONE} otherwise)
 * @param estimatedTokens the estimate the attempt was let through with
 */
public record AttemptResult(
    int attempt,
    long sentAtNanos,
    int status,
    Duration retryAfter,
    RateLimitInfo limits,
    Usage usage,
    long estimatedTokens) {

  public AttemptResult {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(usage, "usage");
  }

  /** The server said: too many requests. */
  public boolean rateLimited() {
    return status == 429;
  }
}
