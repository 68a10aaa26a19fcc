package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.AttemptResult;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatTransport;
import io.github.selfreflect.reflect.llm.Exchange;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.TokenEstimate;
import java.time.Duration;

/**
 * Every attempt, retries included, passes the run's {@link RequestGate} (the shared rate limiter,
 * the counters, the budgets) before it goes out, and the gate hears how it ended: its status,
 * {@code Retry-After}, rate-limit headers and usage. So a 429 seen by one request slows every
 * other request of the run, and a budget is never overrun by more than the requests in flight.
 */
public final class Metering implements AttemptSender {

  private final ChatTransport transport;
  private final RequestGate gate;
  private final Duration maxRetryAfter;

  /**
   * @param maxRetryAfter the longest server-requested delay the gate is told of ({@link
   *     io.github.selfreflect.reflect.llm.RetryPolicy#maxRetryAfter()}): a proxy that answers
   *     "Retry-After: 86400" must not pause the whole run for a day
   */
  public Metering(ChatTransport transport, RequestGate gate, Duration maxRetryAfter) {
    this.transport = transport;
    this.gate = gate;
    this.maxRetryAfter = maxRetryAfter;
  }

  @Override
  public Exchange send(ChatRequest request, int attempt) throws LlmException {
    long estimatedTokens = TokenEstimate.of(request);
    long sentAt;
    try {
      sentAt = gate.beforeAttempt(attempt, estimatedTokens);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException(
          transport.endpoint() + " interrupted while waiting to send",
          LlmFailure.interrupted(attempt - 1),
          e);
    }
    Exchange exchange = transport.send(request);
    if (!exchange.interrupted()) {
      gate.afterAttempt(
          new AttemptResult(
              attempt,
              sentAt,
              exchange.status(),
              exchange.retryAfter() == null || exchange.retryAfter().compareTo(maxRetryAfter) <= 0
                  ? exchange.retryAfter()
                  : maxRetryAfter,
              exchange.limits(),
              exchange.usage(),
              estimatedTokens));
    }
    return exchange;
  }

  /** The transport's endpoint, for messages. */
  public String endpoint() {
    return transport.endpoint();
  }
}
