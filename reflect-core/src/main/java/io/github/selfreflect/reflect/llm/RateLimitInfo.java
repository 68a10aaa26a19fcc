package io.github.selfreflect.reflect.llm;

import java.time.Duration;

/**
 * What a provider says about its rate limits in a response, e.g. OpenAI's {@code
 * x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests}, {@code
 * x-ratelimit-reset-requests} and their {@code -tokens} twins. Each part is optional: a count is
 * {@code -1} and a duration null when the server did not send it.
 *
 * <p>OpenAI refills its buckets continuously: {@code reset} is the time until the bucket is full
 * again, so {@code (limit - remaining) / reset} is the rate at which it refills, which is the rate
 * a client can keep up for ever.
 *
 * @param limitRequests requests allowed per window, or -1
 * @param remainingRequests requests left before a 429, or -1
 * @param resetRequests time until the request bucket is full again, or null
 * @param limitTokens tokens allowed per window, or -1
 * @param remainingTokens tokens left before a 429, or -1
 * @param resetTokens time until the token bucket is full again, or null
 */
public record RateLimitInfo(
    long limitRequests,
    long remainingRequests,
    Duration resetRequests,
    long limitTokens,
    long remainingTokens,
    Duration resetTokens) {

  /** Nothing known. */
  public static final RateLimitInfo NONE = new RateLimitInfo(-1, -1, null, -1, -1, null);

  /** Requests per second the request bucket refills at, or 0 when the headers do not tell. */
  public double requestRefillPerSecond() {
    return refill(limitRequests, remainingRequests, resetRequests);
  }

  /** Tokens per second the token bucket refills at, or 0 when the headers do not tell. */
  public double tokenRefillPerSecond() {
    return refill(limitTokens, remainingTokens, resetTokens);
  }

  private static double refill(long limit, long remaining, Duration reset) {
    if (limit <= 0 || remaining < 0 || remaining >= limit || reset == null || reset.isZero()) {
      return 0;
    }
    return (limit - remaining) / (reset.toNanos() / 1e9);
  }
}
