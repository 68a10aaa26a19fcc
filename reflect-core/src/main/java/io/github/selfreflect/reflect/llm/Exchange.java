package io.github.selfreflect.reflect.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * How one attempt of a request ended, as a {@link ChatTransport} tells it: a reply, a failure
 * worth retrying (429, 5xx, a dropped connection, a body that is no reply), a failure for good
 * (another 4xx), or an interrupt. What the layers above need to decide, and nothing they would
 * have to parse out of a message: the status, the delay the server asked for, its rate-limit
 * headers, the provider's error identifiers.
 *
 * @param response the reply, or null when the attempt failed
 * @param retryable whether another attempt may succeed
 * @param interrupted whether the sending thread was interrupted (the run is being cancelled)
 * @param kind what went wrong, or null for a reply
 * @param status the HTTP status, or 0 when no response came back
 * @param reason what went wrong, for the build log: names the endpoint's words, never the key
 * @param cause the exception behind the failure, or null
 * @param retryAfter the delay the server asked for, uncapped, or null
 * @param errorType the provider's error type, or null
 * @param errorCode the provider's error code, or null
 * @param limits what the response's rate-limit headers said
 */
public record Exchange(
    ChatResponse response,
    boolean retryable,
    boolean interrupted,
    LlmFailure.Kind kind,
    int status,
    String reason,
    Throwable cause,
    Duration retryAfter,
    String errorType,
    String errorCode,
    RateLimitInfo limits) {

  public Exchange {
    Objects.requireNonNull(limits, "limits");
  }

  /** A reply. */
  public static Exchange reply(int status, ChatResponse response, RateLimitInfo limits) {
    return new Exchange(
        Objects.requireNonNull(response, "response"), false, false, null, status, null, null, null,
        null, null, limits);
  }

  /** A failure without an error body worth reading: no response, a body cut short, no reply in a 2xx. */
  public static Exchange retry(
      LlmFailure.Kind kind, int status, String reason, Throwable cause, RateLimitInfo limits) {
    return new Exchange(null, true, false, kind, status, reason, cause, null, null, null, limits);
  }

  /** A retryable error status (408, 409, 429, 5xx, a provider's overload status) and what its body says. */
  public static Exchange retryStatus(
      int status,
      String reason,
      Duration retryAfter,
      String errorType,
      String errorCode,
      RateLimitInfo limits) {
    return new Exchange(
        null, true, false, LlmFailure.Kind.HTTP_STATUS, status, reason, null, retryAfter,
        errorType, errorCode, limits);
  }

  /** An error status that another attempt would not change (a wrong key, model or request). */
  public static Exchange reject(
      int status, String reason, String errorType, String errorCode, RateLimitInfo limits) {
    return new Exchange(
        null, false, false, LlmFailure.Kind.HTTP_STATUS, status, reason, null, null, errorType,
        errorCode, limits);
  }

  /**
   * The model answered but declined to (Anthropic's {@code stop_reason: "refusal"}): not retried,
   * the target fails with {@link LlmFailure.Kind#REFUSED}.
   */
  public static Exchange refused(int status, String reason, RateLimitInfo limits) {
    return new Exchange(
        null, false, false, LlmFailure.Kind.REFUSED, status, reason, null, null, null, null, limits);
  }

  /** The sending thread was interrupted. */
  public static Exchange interrupted(Throwable cause) {
    return new Exchange(
        null, false, true, LlmFailure.Kind.INTERRUPTED, 0, "interrupted", cause, null, null, null,
        RateLimitInfo.NONE);
  }

  /** The tokens the reply reports, or none. */
  public Usage usage() {
    return response == null ? Usage.NONE : response.usage();
  }
}
