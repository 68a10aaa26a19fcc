package io.github.selfreflect.reflect.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.selfreflect.reflect.llm.RateLimitInfo;
import java.time.Duration;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  @Test
  void readsOpenAisHeaders() {
    RateLimitInfo info =
        RateLimitHeaders.parse(
            Headers.of(
                "x-ratelimit-limit-requests", "500",
                "x-ratelimit-remaining-requests", "499",
                "x-ratelimit-reset-requests", "120ms",
                "x-ratelimit-limit-tokens", "30000",
                "x-ratelimit-remaining-tokens", "29372",
                "x-ratelimit-reset-tokens", "1.256s"));
    assertEquals(
        new RateLimitInfo(500, 499, Duration.ofMillis(120), 30_000, 29_372, Duration.ofMillis(1256)),
        info);
    assertEquals(1 / 0.12, info.requestRefillPerSecond(), 1e-9);
  }

  @Test
  void readsGoDurationsAndBareSeconds() {
    assertEquals(Duration.ofMinutes(6), RateLimitHeaders.duration("6m0s"));
    assertEquals(Duration.ofSeconds(3723).plusMillis(500), RateLimitHeaders.duration("1h2m3.5s"));
    assertEquals(Duration.ofMillis(20), RateLimitHeaders.duration("20ms"));
    assertEquals(Duration.ofMillis(1500), RateLimitHeaders.duration("1.5"));
    assertNull(RateLimitHeaders.duration("soon"));
    assertNull(RateLimitHeaders.duration("5s later"));
    assertNull(RateLimitHeaders.duration(""));
  }

  @Test
  void absentOrGarbledHeadersAreUnknown() {
    assertEquals(RateLimitInfo.NONE, RateLimitHeaders.parse(Headers.of()));
    RateLimitInfo garbled =
        RateLimitHeaders.parse(Headers.of("x-ratelimit-remaining-requests", "-3"));
    assertEquals(-1, garbled.remainingRequests());
    assertEquals(0, garbled.requestRefillPerSecond());
  }
}
