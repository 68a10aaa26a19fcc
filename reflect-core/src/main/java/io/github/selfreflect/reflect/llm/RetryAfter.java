package io.github.selfreflect.reflect.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import okhttp3.Headers;

/**
 * Reads how long a server asks the client to wait. OpenAI sends {@code retry-after-ms} (a
 * millisecond count, more precise, so it wins) and the standard {@code Retry-After}, which RFC 9110
 * allows as delta-seconds or as an HTTP-date.
 */
public final class RetryAfter {

  private RetryAfter() {}

  /**
   * The requested delay, or null when the headers ask for none or cannot be read. An HTTP-date in
   * the past gives {@link Duration#ZERO}.
   */
  public static Duration parse(Headers headers, Instant now) {
    Duration millis = parseMillis(headers.get("retry-after-ms"));
    if (millis != null) {
      return millis;
    }
    String value = headers.get("Retry-After");
    if (value == null || value.isBlank()) {
      return null;
    }
    value = value.trim();
    Duration seconds = parseSeconds(value);
    if (seconds != null) {
      return seconds;
    }
    try {
      Instant date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration delta = Duration.between(now, date);
      return delta.isNegative() ? Duration.ZERO : delta;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Duration parseMillis(String value) {
    Double ms = parseNonNegative(value);
    return ms == null ? null : Duration.ofNanos((long) (ms * 1_000_000));
  }

  private static Duration parseSeconds(String value) {
    Double s = parseNonNegative(value);
    return s == null ? null : Duration.ofNanos((long) (s * 1_000_000_000));
  }

  /** Accepts plain decimal numbers only: no signs, exponents, "NaN" or "Infinity". */
  private static Double parseNonNegative(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (!v.matches("\\d{1,12}(\\.\\d{1,9})?")) {
      return null;
    }
    return Double.parseDouble(v);
  }
}
