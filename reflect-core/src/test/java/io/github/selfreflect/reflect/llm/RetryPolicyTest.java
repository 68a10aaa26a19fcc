package io.github.selfreflect.reflect.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0);

  @Test
  void jitterStaysWithinHalfToFullOfTheCappedExponentialDelay() {
    Random random = new Random(1);
    for (int retry = 1; retry <= 9; retry++) {
      long full = Math.min(30_000, 1000L << (retry - 1));
      for (int draw = 0; draw < 500; draw++) {
        long ms = policy.backoff(retry, random).toMillis();
        assertTrue(ms >= full / 2 && ms <= full, "retry " + retry + ": " + ms);
      }
    }
  }

  @Test
  void jitterActuallyVaries() {
    Random random = new Random(3);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 200; i++) {
      long ms = policy.backoff(1, random).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertTrue(min < 600 && max > 900, min + ".." + max);
  }

  @Test
  void sameSeedSameDelays() {
    assertEquals(delays(42), delays(42));
    assertTrue(!delays(42).equals(delays(43)));
  }

  private List<Duration> delays(long seed) {
    Random random = new Random(seed);
    List<Duration> delays = new ArrayList<>();
    for (int retry = 1; retry < 10; retry++) {
      delays.add(policy.backoff(retry, random));
    }
    return delays;
  }

  @Test
  void constantBackoffWithMultiplierOne() {
    RetryPolicy constant = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofSeconds(2), 1.0);
    long ms = constant.backoff(4, new Random(0)).toMillis();
    assertTrue(ms >= 1000 && ms <= 2000, Long.toString(ms));
  }

  @Test
  void capsServerRequestedDelay() {
    RetryPolicy p = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1.0, Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(10), p.capRetryAfter(Duration.ofHours(1)));
    assertEquals(Duration.ofSeconds(3), p.capRetryAfter(Duration.ofSeconds(3)));
  }

  @Test
  void defaults() {
    assertEquals(6, RetryPolicy.DEFAULT.maxAttempts());
    assertEquals(RetryPolicy.DEFAULT_MAX_RETRY_AFTER, RetryPolicy.DEFAULT.maxRetryAfter());
    assertEquals(1, RetryPolicy.NONE.maxAttempts());
    assertEquals(3, RetryPolicy.DEFAULT.withMaxAttempts(3).maxAttempts());
  }

  @Test
  void rejectsNonsense() {
    Duration s = Duration.ofSeconds(1);
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, s, s, 2));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, s.negated(), s, 2));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, s.multipliedBy(2), s, 2));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, s, s, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, s, s, Double.NaN));
    assertThrows(NullPointerException.class, () -> new RetryPolicy(3, null, s, 2));
    assertThrows(IllegalArgumentException.class, () -> policy.backoff(0, new Random()));
  }
}
