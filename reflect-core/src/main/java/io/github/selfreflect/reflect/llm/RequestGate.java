package io.github.selfreflect.reflect.llm;

/**
 * What every HTTP attempt of a run passes through, whichever thread sends it: the place where a
 * run paces itself to the provider's rate limit, counts what it sent and spent, and stops sending
 * when a budget is spent or the user cancels. One gate is shared by all requests of a run, so that
 * a 429 seen by one request slows them all.
 *
 * <p>A {@link ChatModel} calls {@link #beforeAttempt} before each attempt (retries included) and
 * {@link #afterAttempt} after it, on the thread that sends it. Implementations are thread-safe.
 */
public interface RequestGate {

  /** Lets everything through at once and counts nothing. */
  RequestGate OPEN =
      new RequestGate() {
        @Override
        public long beforeAttempt(int attempt, long estimatedTokens) {
          return System.nanoTime();
        }

        @Override
        public void afterAttempt(AttemptResult result) {}
      };

  /**
   * A gate that paces every attempt through {@code limiter} and counts nothing: for runs that have
   * no budgets to keep but share a provider's rate limit (a 429 seen by one request slows all).
   */
  static RequestGate pacedBy(AdaptiveRateLimiter limiter) {
    return new RequestGate() {
      @Override
      public long beforeAttempt(int attempt, long estimatedTokens) throws InterruptedException {
        return limiter.acquire(estimatedTokens);
      }

      @Override
      public void afterAttempt(AttemptResult result) {
        limiter.onResult(result);
      }
    };
  }

  /**
   * Blocks until the attempt may be sent.
   *
   * @param attempt the number of the attempt for its request, from 1
   * @param estimatedTokens what the request may cost in tokens (prompt and reply), for token caps
   * @return the time the attempt was let through ({@link System#nanoTime}), to pass back in {@link
   *     AttemptResult#sentAtNanos()}
   * @throws RequestNotSentException when the run must not send any more (budget spent, cancelled)
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  long beforeAttempt(int attempt, long estimatedTokens)
      throws RequestNotSentException, InterruptedException;

  /** Told how an attempt let through by {@link #beforeAttempt} ended. */
  void afterAttempt(AttemptResult result);
}
