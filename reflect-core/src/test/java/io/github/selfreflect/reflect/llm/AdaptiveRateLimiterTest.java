package io.github.selfreflect.reflect.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The limiter's decisions on a hand-driven clock: a request is only ever acquired when {@link
 * AdaptiveRateLimiter#waitNanos()} says it may go, so no test sleeps.
 */
class AdaptiveRateLimiterTest {

  private long now = 1_000_000_000_000L;
  private final AdaptiveRateLimiter limiter =
      new AdaptiveRateLimiter(AdaptiveRateLimiter.Caps.NONE, () -> now);

  @Test
  void startsUnpaced() throws Exception {
    for (int i = 0; i < 100; i++) {
      assertEquals(0, limiter.waitNanos());
      limiter.acquire(10);
    }
    assertTrue(Double.isInfinite(limiter.requestsPerSecond()));
  }

  @Test
  void a429PausesEveryoneForItsRetryAfterAndCutsThePaceBelowTheAcceptedRate() throws Exception {
    // Ten seconds at 20 accepted requests a second.
    for (int i = 0; i < 200; i++) {
      long sent = limiter.acquire(10);
      advance(50);
      limiter.onResult(ok(sent));
    }
    long sent = limiter.acquire(10);
    limiter.onResult(tooMany(sent, Duration.ofSeconds(2)));

    assertEquals(TimeUnit.SECONDS.toNanos(2), limiter.waitNanos(), "everyone waits");
    double pace = limiter.requestsPerSecond();
    assertEquals(0.9 * 20, pace, 0.5, "90% of the accepted rate");

    advance(2000);
    assertEquals(0, limiter.waitNanos());
    limiter.acquire(10);
    assertEquals((long) (1e9 / pace), limiter.waitNanos(), 1000, "requests are spaced by the pace");
  }

  @Test
  void a429ForARequestSentBeforeTheLastCutDoesNotCutAgain() throws Exception {
    long[] inFlight = new long[8];
    for (int i = 0; i < inFlight.length; i++) {
      inFlight[i] = limiter.acquire(10);
    }
    advance(500);
    limiter.onResult(tooMany(inFlight[0], null));
    double afterFirst = limiter.requestsPerSecond();
    for (int i = 1; i < inFlight.length; i++) {
      limiter.onResult(tooMany(inFlight[i], null));
    }
    assertEquals(afterFirst, limiter.requestsPerSecond(), "one cut for one burst");
    assertTrue(afterFirst >= AdaptiveRateLimiter.MIN_RATE);
  }

  @Test
  void thePaceGrowsBackWhileItHoldsRequestsUp() throws Exception {
    for (int i = 0; i < 100; i++) {
      long sent = limiter.acquire(10);
      advance(100);
      limiter.onResult(ok(sent));
    }
    limiter.onResult(tooMany(limiter.acquire(10), null));
    double cut = limiter.requestsPerSecond();
    // Keep asking as fast as the pace allows, for 20 seconds.
    long end = now + TimeUnit.SECONDS.toNanos(20);
    while (now < end) {
      long wait = limiter.waitNanos();
      if (wait > 0) {
        limiter.markWaiting();
        now += wait;
      }
      limiter.onResult(ok(limiter.acquire(10)));
    }
    double grown = limiter.requestsPerSecond();
    assertTrue(grown > cut * 1.2, "from " + cut + " to " + grown);
    assertTrue(grown < cut * 1.6, "additive, not runaway: from " + cut + " to " + grown);
  }

  @Test
  void anIdlePaceDoesNotGrow() throws Exception {
    for (int i = 0; i < 100; i++) {
      long sent = limiter.acquire(10);
      advance(100);
      limiter.onResult(ok(sent));
    }
    limiter.onResult(tooMany(limiter.acquire(10), null));
    double cut = limiter.requestsPerSecond();
    for (int i = 0; i < 20; i++) {
      advance(1000); // one request a second, far below the pace
      limiter.onResult(ok(limiter.acquire(10)));
    }
    assertEquals(cut, limiter.requestsPerSecond(), 1e-9);
  }

  @Test
  void rateLimitHeadersPaceToTheRefillRateBeforeAnyRequestIsRefused() throws Exception {
    // 600 a minute, 20 left, full again in 58 s: it refills at 10 a second.
    RateLimitInfo low = new RateLimitInfo(600, 20, Duration.ofSeconds(58), -1, -1, null);
    long sent = limiter.acquire(10);
    limiter.onResult(result(sent, 200, null, low));
    assertEquals(10, limiter.requestsPerSecond(), 1e-9);

    RateLimitInfo empty = new RateLimitInfo(600, 0, Duration.ofSeconds(60), -1, -1, null);
    limiter.onResult(result(limiter.acquire(10), 200, null, empty));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(100), limiter.waitNanos(), "one request's refill");
  }

  @Test
  void plentyOfHeadroomInTheHeadersChangesNothing() throws Exception {
    RateLimitInfo plenty = new RateLimitInfo(600, 500, Duration.ofSeconds(10), 90_000, 80_000,
        Duration.ofSeconds(6));
    limiter.onResult(result(limiter.acquire(1000), 200, null, plenty));
    assertTrue(Double.isInfinite(limiter.requestsPerSecond()));
    assertEquals(0, limiter.waitNanos());
  }

  @Test
  void tokensExhaustedInTheHeadersPauseUntilTheTokenReset() throws Exception {
    RateLimitInfo noTokens = new RateLimitInfo(-1, -1, null, 30_000, 200, Duration.ofSeconds(3));
    long sent = limiter.acquire(1000);
    limiter.onResult(new AttemptResult(1, sent, 200, null, noTokens, Usage.NONE, 1000));
    assertEquals(TimeUnit.SECONDS.toNanos(3), limiter.waitNanos());
  }

  @Test
  void hardCapsSpaceRequestsAndChargeTokensTheirRealUsage() throws Exception {
    AdaptiveRateLimiter capped =
        new AdaptiveRateLimiter(new AdaptiveRateLimiter.Caps(120, 60_000), () -> now);
    assertEquals(2, capped.requestsPerSecond(), 1e-9);
    long sent = capped.acquire(100);
    // The request cap (500 ms) dominates the token cap for 100 tokens (100 ms at 1,000 a second).
    assertEquals(TimeUnit.MILLISECONDS.toNanos(500), capped.waitNanos());
    // The reply used 3,000 tokens: 3 seconds' worth at 1,000 a second, less the 0.1 s charged.
    capped.onResult(
        new AttemptResult(1, sent, 200, null, RateLimitInfo.NONE, new Usage(2_000, 0, 1_000), 100));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(3000), capped.waitNanos(), 1000);
  }

  private void advance(long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private static AttemptResult ok(long sent) {
    return result(sent, 200, null, RateLimitInfo.NONE);
  }

  private static AttemptResult tooMany(long sent, Duration retryAfter) {
    return result(sent, 429, retryAfter, RateLimitInfo.NONE);
  }

  private static AttemptResult result(long sent, int status, Duration retryAfter, RateLimitInfo info) {
    return new AttemptResult(1, sent, status, retryAfter, info, Usage.NONE, 10);
  }
}
