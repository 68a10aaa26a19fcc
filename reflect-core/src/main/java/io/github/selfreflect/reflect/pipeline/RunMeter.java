package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.AdaptiveRateLimiter;
import io.github.selfreflect.reflect.llm.AttemptResult;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.RequestNotSentException;
import io.github.selfreflect.reflect.llm.Usage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link RequestGate} of one run: every attempt passes the shared {@link AdaptiveRateLimiter},
 * is counted, and is refused once a budget is spent or the run is cancelled. Refusing at the gate,
 * rather than only between targets, also stops the retries of requests already under way, so a
 * budget is never overrun by more than the requests in flight when it was reached.
 */
public final class RunMeter implements RequestGate {

  /** Why the run stopped sending, if it did. */
  public enum Stop {
    NONE,
    BUDGET,
    CANCELLED,
    /** A failure that fails the run (see {@link RequestPass#abort}). */
    ABORTED
  }

  private final RunLimits limits;
  private final AdaptiveRateLimiter limiter;
  private final LongAdder requests = new LongAdder();
  private final LongAdder transportRetries = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong cachedTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();
  private final AtomicLong tokensInFlight = new AtomicLong();
  private final AtomicReference<Stop> stop = new AtomicReference<>(Stop.NONE);
  private volatile String budgetReason;

  public RunMeter(RunLimits limits) {
    this(limits, new AdaptiveRateLimiter(limits.rateCaps()));
  }

  RunMeter(RunLimits limits, AdaptiveRateLimiter limiter) {
    this.limits = limits;
    this.limiter = limiter;
  }

  @Override
  public long beforeAttempt(int attempt, long estimatedTokens)
      throws RequestNotSentException, InterruptedException {
    checkNotStopped();
    long sentAt = limiter.acquire(estimatedTokens);
    // Checked again after the wait: a pause may have outlasted a cancellation or a budget.
    synchronized (this) {
      checkNotStopped();
      if (limits.maxRequests() > 0 && requests.sum() >= limits.maxRequests()) {
        throw budgetReached("reflect.maxRequests=" + limits.maxRequests() + " reached");
      }
      long spent = promptTokens.get() + completionTokens.get();
      if (limits.maxTokens() > 0 && spent + tokensInFlight.get() + estimatedTokens > limits.maxTokens()) {
        throw budgetReached(
            "reflect.maxTokens=" + limits.maxTokens() + " reached (" + spent + " tokens spent)");
      }
      requests.increment();
      tokensInFlight.addAndGet(estimatedTokens);
    }
    if (attempt > 1) {
      transportRetries.increment();
    }
    return sentAt;
  }

  @Override
  public void afterAttempt(AttemptResult result) {
    tokensInFlight.addAndGet(-result.estimatedTokens());
    Usage usage = result.usage();
    promptTokens.addAndGet(usage.promptTokens());
    cachedTokens.addAndGet(usage.cachedPromptTokens());
    completionTokens.addAndGet(usage.completionTokens());
    if (result.rateLimited()) {
      rateLimited.increment();
    }
    limiter.onResult(result);
  }

  /** Stops letting requests out (Ctrl-C); those in flight finish. */
  public void cancel() {
    stop.compareAndSet(Stop.NONE, Stop.CANCELLED);
    limiter.releaseAll();
  }

  /** Stops letting requests out because the run failed; those in flight finish. */
  void halt() {
    stop.compareAndSet(Stop.NONE, Stop.ABORTED);
    limiter.releaseAll();
  }

  public Stop stop() {
    return stop.get();
  }

  /** What budget was reached, for the message; null if none. */
  public String budgetReason() {
    return budgetReason;
  }

  /** HTTP requests let out so far, retries included. */
  public long requests() {
    return requests.sum();
  }

  /** Attempts that were retries of a transport failure (429, 5xx, a dropped connection). */
  public long transportRetries() {
    return transportRetries.sum();
  }

  public long rateLimited() {
    return rateLimited.sum();
  }

  /** Tokens spent so far, as the replies report them. */
  public Usage usage() {
    return new Usage(promptTokens.get(), cachedTokens.get(), completionTokens.get());
  }

  /** The current pace in requests per second, infinite when unpaced. */
  public double pace() {
    return limiter.requestsPerSecond();
  }

  private void checkNotStopped() throws RequestNotSentException {
    switch (stop.get()) {
      case CANCELLED:
        throw new RequestNotSentException("run cancelled");
      case BUDGET:
        throw new RequestNotSentException(budgetReason);
      case ABORTED:
        throw new RequestNotSentException("run stopped by a failure");
      default:
    }
  }

  private RequestNotSentException budgetReached(String reason) {
    if (stop.get() == Stop.NONE) {
      budgetReason = reason; // before the stop, so that whoever sees BUDGET sees the reason
      stop.compareAndSet(Stop.NONE, Stop.BUDGET);
      limiter.releaseAll();
    }
    return new RequestNotSentException(reason);
  }
}
