package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.Exchange;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.LlmRejectedException;
import io.github.selfreflect.reflect.llm.LlmRetriesExhaustedException;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.llm.Sleeper;
import java.time.Duration;
import java.util.Random;

/**
 * The last layer: sends the request's attempts and retries what may pass on a later try (as the
 * transport says: 429, 5xx, a provider's overload status, dropped connections, timeouts, a body
 * that is no reply), under a {@link RetryPolicy}: exponential backoff with jitter, or the delay
 * the server asked for, capped. Anything else fails at once with {@link LlmRejectedException}: a
 * wrong key or model name does not heal by waiting. This is the only retry of a request: the
 * transports switch their HTTP client's own silent retry off, so every request a server sees is
 * counted and bounded here.
 *
 * <p>A reply comes back as it is, cut off or not: judging it is {@link ReplyValidation}'s job.
 */
public final class RetryLayer implements ChatLayer {

  private final AttemptSender attempts;
  private final String endpoint;
  private final RetryPolicy policy;
  private final RetryListener listener;
  private final Sleeper sleeper;
  private final Random random;

  public RetryLayer(
      AttemptSender attempts,
      String endpoint,
      RetryPolicy policy,
      RetryListener listener,
      Sleeper sleeper,
      Random random) {
    this.attempts = attempts;
    this.endpoint = endpoint;
    this.policy = policy;
    this.listener = listener;
    this.sleeper = sleeper;
    this.random = random;
  }

  @Override
  public ChatResponse intercept(Chain chain) throws LlmException {
    ChatRequest request = chain.call().request();
    for (int attempt = 1; ; attempt++) {
      Exchange outcome = attempts.send(request, attempt);
      if (outcome.response() != null) {
        return outcome.response();
      }
      if (outcome.interrupted()) {
        throw interrupted(attempt, outcome.cause());
      }
      if (!outcome.retryable()) {
        if (outcome.kind() != null && outcome.kind() != LlmFailure.Kind.HTTP_STATUS) {
          // Not an error status (a model's refusal): its kind is what may be published.
          throw new LlmRejectedException(
              endpoint + " " + outcome.reason(),
              new LlmFailure(outcome.kind(), outcome.status(), attempt, outcome.errorType(),
                  outcome.errorCode()));
        }
        throw new LlmRejectedException(
            endpoint + " " + outcome.reason(), outcome.status(), outcome.errorType(),
            outcome.errorCode());
      }
      if (attempt >= policy.maxAttempts()) {
        throw new LlmRetriesExhaustedException(
            endpoint + " failed after " + attempt
                + (attempt == 1 ? " attempt" : " attempts") + "; last: " + outcome.reason(),
            new LlmFailure(outcome.kind(), outcome.status(), attempt, outcome.errorType(),
                outcome.errorCode()),
            outcome.cause());
      }
      Duration delay =
          outcome.retryAfter() != null && !outcome.retryAfter().isZero()
              ? policy.capRetryAfter(outcome.retryAfter())
              : policy.backoff(attempt, random);
      listener.onRetry(attempt, outcome.reason(), delay);
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(attempt, e);
      }
    }
  }

  private LlmException interrupted(int attempts, Throwable cause) {
    return new LlmException(
        endpoint + " interrupted after " + attempts + (attempts == 1 ? " attempt" : " attempts"),
        LlmFailure.interrupted(attempts),
        cause);
  }
}
