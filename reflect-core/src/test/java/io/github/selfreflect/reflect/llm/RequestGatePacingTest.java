package io.github.selfreflect.reflect.llm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RequestGate#pacedBy}: the limiter it wraps hears of every attempt and holds the next. */
class RequestGatePacingTest {

  @Test
  void a429SeenByOneRequestHoldsTheNextOneForItsRetryAfter() throws Exception {
    RequestGate gate = RequestGate.pacedBy(new AdaptiveRateLimiter(AdaptiveRateLimiter.Caps.NONE));
    long sent = gate.beforeAttempt(1, 100);
    gate.afterAttempt(
        new AttemptResult(1, sent, 429, Duration.ofMillis(300), RateLimitInfo.NONE, Usage.NONE, 100));

    long next = gate.beforeAttempt(1, 100);

    assertTrue(
        next - sent >= Duration.ofMillis(290).toNanos(),
        "held for the Retry-After: " + (next - sent) / 1_000_000 + " ms");
  }
}
