package io.github.selfreflect.reflect.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How often and how patiently a request is retried.
 *
 * <p>The n-th retry waits {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, scaled by a
 * random factor in {@code [0.5, 1)} ("equal jitter"). The jitter spreads out the retries of many
 * parallel workers that hit the same rate limit at the same moment, so they do not all come back
 * together; keeping at least half of the delay stops a jittered retry from hammering a server that
 * just said it is overloaded.
 *
 * <p>When the server says how long to wait ({@code Retry-After}, {@code retry-after-ms}) that delay
 * is used instead, without jitter, but never more than {@code maxRetryAfter}: a misconfigured proxy
 * that answers "Retry-After: 86400" must not park a build for a day.
 *
 * @param maxAttempts how many requests at most, counting the first one (1 = no retries)
 * @param initialBackoff the delay before the first retry, before jitter
 * @param maxBackoff the longest computed delay, before jitter
 * @param multiplier how much the delay grows per retry (1 = constant)
 * @param maxRetryAfter the longest server-requested delay that is honoured; longer ones are cut
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    Duration maxRetryAfter) {

  /** The default cap on a server-requested delay. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(2);

  /**
   * Six attempts, 1 s doubling up to 60 s: about half a minute of waiting in total, enough to ride
   * out a short rate-limit window or a model server restart.
   */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0);

  /** One attempt, no retries. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    requireNonNegative(initialBackoff, "initialBackoff");
    requireNonNegative(maxBackoff, "maxBackoff");
    requireNonNegative(maxRetryAfter, "maxRetryAfter");
    if (initialBackoff.compareTo(maxBackoff) > 0) {
      throw new IllegalArgumentException(
          "initialBackoff " + initialBackoff + " exceeds maxBackoff " + maxBackoff);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1: " + multiplier);
    }
  }

  /** A policy that honours server-requested delays up to {@link #DEFAULT_MAX_RETRY_AFTER}. */
  public RetryPolicy(
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    this(maxAttempts, initialBackoff, maxBackoff, multiplier, DEFAULT_MAX_RETRY_AFTER);
  }

  /** This policy with another number of attempts. */
  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(attempts, initialBackoff, maxBackoff, multiplier, maxRetryAfter);
  }

  /**
   * The delay before retry number {@code retry} (1 = the first retry), jittered with {@code
   * random}. Always in {@code [d/2, d]} where {@code d} is the un-jittered delay.
   */
  public Duration backoff(int retry, Random random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be at least 1: " + retry);
    }
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
    double capped = Math.min(nanos, maxBackoff.toNanos());
    double factor = 0.5 + 0.5 * random.nextDouble();
    return Duration.ofNanos((long) (capped * factor));
  }

  /** A server-requested delay, cut to {@link #maxRetryAfter()}. */
  public Duration capRetryAfter(Duration requested) {
    return requested.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : requested;
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
