package io.github.selfreflect.reflect.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  private static Duration parse(String... namesAndValues) {
    return RetryAfter.parse(Headers.of(namesAndValues), NOW);
  }

  @Test
  void deltaSeconds() {
    assertEquals(Duration.ofSeconds(20), parse("Retry-After", "20"));
    assertEquals(Duration.ofSeconds(20), parse("retry-after", " 20 "));
    assertEquals(Duration.ofMillis(1500), parse("Retry-After", "1.5"));
  }

  @Test
  void millisecondsWin() {
    assertEquals(Duration.ofMillis(250), parse("retry-after-ms", "250", "Retry-After", "1"));
    assertEquals(Duration.ofNanos(12_500_000), parse("retry-after-ms", "12.5"));
  }

  @Test
  void httpDate() {
    assertEquals(Duration.ofSeconds(90), parse("Retry-After", "Tue, 24 Nov 2026 10:01:30 GMT"));
    assertEquals(Duration.ZERO, parse("Retry-After", "Tue, 24 Nov 2026 09:00:00 GMT"));
  }

  @Test
  void absent() {
    assertNull(parse());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "-5", "1e3", "NaN", "Infinity", "+3", "24 Nov 2026"})
  void unreadable(String value) {
    assertNull(parse("Retry-After", value));
  }

  @Test
  void unreadableMillisFallBackToRetryAfter() {
    assertEquals(Duration.ofSeconds(2), parse("retry-after-ms", "later", "Retry-After", "2"));
  }
}
