package io.github.selfreflect.reflect.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a request failed, as facts a client knows for certain (the kind of failure, the HTTP status,
 * the attempts, the provider's error type and code) rather than as the words of an exception
 * message. The message of an {@link LlmException} is for the build log and names the endpoint, the
 * address it could not reach, the server's own error text; {@link #publicReason()} is what may be
 * published with a dataset ({@code failures.jsonl}, {@code report.html}), which promises no host
 * name, local path or key.
 *
 * @param kind what went wrong on the last attempt
 * @param status the HTTP status of the last response, or 0 when none came back
 * @param attempts requests sent, retries included (0 when none was)
 * @param errorType the provider's {@code error.type}, or null
 * @param errorCode the provider's {@code error.code} as text, or null
 */
public record LlmFailure(Kind kind, int status, int attempts, String errorType, String errorCode) {

  /**
   * An error type or code that is published: a plain identifier such as {@code
   * invalid_request_error} or {@code 429}. No dot, colon or slash, so that a server that puts a
   * host name, an address or a URL there has it left out.
   */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** What went wrong on the last attempt. */
  public enum Kind {
    /** The server answered with an error status. */
    HTTP_STATUS,
    /** No answer in time: connecting, waiting for the reply or reading it took too long. */
    TIMEOUT,
    /** The connection could not be made or broke before a response began. */
    CONNECTION,
    /** The response began but its body broke off. */
    RESPONSE_CUT_SHORT,
    /** A 2xx response that is no chat completion (not JSON, no choice). */
    MALFORMED_RESPONSE,
    /** The thread was interrupted (the run was cancelled). */
    INTERRUPTED,
    /** Nothing was sent: a budget is spent or the run was cancelled. */
    NOT_SENT,
    /** Every reply came back, and none was usable (not the JSON asked for, cut off). */
    UNUSABLE_REPLY,
    /** The model declined to answer (Anthropic's {@code stop_reason: "refusal"}). */
    REFUSED
  }

  public LlmFailure {
    Objects.requireNonNull(kind, "kind");
  }

  /** The server refused the request for good with {@code status}. */
  public static LlmFailure rejected(int status, String errorType, String errorCode) {
    return new LlmFailure(Kind.HTTP_STATUS, status, 1, errorType, errorCode);
  }

  /** Interrupted after {@code attempts} requests. */
  public static LlmFailure interrupted(int attempts) {
    return new LlmFailure(Kind.INTERRUPTED, 0, attempts, null, null);
  }

  /** Refused before sending. */
  public static LlmFailure notSent() {
    return new LlmFailure(Kind.NOT_SENT, 0, 0, null, null);
  }

  /**
   * The failure in a few fixed words, the status and the provider's error identifiers: {@code
   * http 503 after 7 attempts}, {@code timeout after 7 attempts}, {@code connection failed after
   * 7 attempts}, {@code http 400 (invalid_request_error, context_length_exceeded)}. Never a host,
   * URL, address, path, key or server-written text beyond those identifiers.
   */
  public String publicReason() {
    StringBuilder reason = new StringBuilder(words());
    List<String> identifiers = new ArrayList<>(2);
    for (String identifier : new String[] {errorType, errorCode}) {
      if (identifier != null && IDENTIFIER.matcher(identifier).matches()) {
        identifiers.add(identifier);
      }
    }
    if (!identifiers.isEmpty()) {
      reason.append(" (").append(String.join(", ", identifiers)).append(')');
    }
    if (attempts > 1) {
      reason.append(" after ").append(attempts).append(" attempts");
    }
    return reason.toString();
  }

  private String words() {
    return switch (kind) {
      case HTTP_STATUS -> "http " + status;
      case TIMEOUT -> "timeout";
      case CONNECTION -> "connection failed";
      case RESPONSE_CUT_SHORT -> "response cut short";
      case MALFORMED_RESPONSE -> "malformed response";
      case INTERRUPTED -> "interrupted";
      case NOT_SENT -> "not sent";
      case UNUSABLE_REPLY -> "unusable reply";
      case REFUSED -> "refused by the model";
    };
  }
}
