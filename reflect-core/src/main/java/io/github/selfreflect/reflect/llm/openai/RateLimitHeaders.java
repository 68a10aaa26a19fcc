package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.RateLimitInfo;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;

/**
 * Reads OpenAI's rate-limit headers ({@code x-ratelimit-limit-requests}, {@code
 * x-ratelimit-remaining-requests}, {@code x-ratelimit-reset-requests} and the {@code -tokens}
 * three), which Azure OpenAI, Groq and several OpenAI-compatible gateways copy. A reset is a Go
 * duration such as {@code 1s}, {@code 6m0s}, {@code 20ms} or {@code 1h2m3.5s}; a bare number is
 * read as seconds. Anything unreadable counts as not sent.
 */
final class RateLimitHeaders {

  private static final Pattern PART = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)(ms|h|m|s)");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,12}(?:\\.\\d{1,9})?");

  private RateLimitHeaders() {}

  static RateLimitInfo parse(Headers headers) {
    return new RateLimitInfo(
        count(headers.get("x-ratelimit-limit-requests")),
        count(headers.get("x-ratelimit-remaining-requests")),
        duration(headers.get("x-ratelimit-reset-requests")),
        count(headers.get("x-ratelimit-limit-tokens")),
        count(headers.get("x-ratelimit-remaining-tokens")),
        duration(headers.get("x-ratelimit-reset-tokens")));
  }

  private static long count(String value) {
    if (value == null || !value.trim().matches("\\d{1,18}")) {
      return -1;
    }
    return Long.parseLong(value.trim());
  }

  /** A Go-style duration, or bare seconds; null when unreadable. */
  static Duration duration(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (NUMBER.matcher(v).matches()) {
      return Duration.ofNanos((long) (Double.parseDouble(v) * 1e9));
    }
    Matcher m = PART.matcher(v);
    double nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      double n = Double.parseDouble(m.group(1));
      switch (m.group(2)) {
        case "h":
          nanos += n * 3600e9;
          break;
        case "m":
          nanos += n * 60e9;
          break;
        case "s":
          nanos += n * 1e9;
          break;
        default:
          nanos += n * 1e6;
      }
    }
    return end == v.length() && end > 0 ? Duration.ofNanos((long) nanos) : null;
  }
}
