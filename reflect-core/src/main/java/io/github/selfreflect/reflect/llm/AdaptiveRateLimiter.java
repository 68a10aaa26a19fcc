package io.github.selfreflect.reflect.llm;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Paces the requests of a whole run so that it settles just under the provider's rate limit
 * instead of hammering it.
 *
 * <p><b>Why adaptive.</b> Providers do not say their limit up front, and the limit of one key is
 * shared with whatever else uses it. So the run starts unpaced and learns from the answers, like
 * TCP's congestion control (additive increase, multiplicative decrease):
 *
 * <ul>
 *   <li>A 429 pauses <em>every</em> sender until its {@code Retry-After} has passed, and cuts the
 *       pace to 90% of the rate the server actually accepted over the last ten seconds (before
 *       any reply has come back, to half the rate requests were sent at). Only a 429 for a request
 *       sent after the last cut cuts again: the other requests in flight were sent at the old pace
 *       and say nothing about the new one.
 *   <li>While the pace is what holds requests back, it grows by 2% of the pace set at the last
 *       cut each second, until the next 429. The sawtooth stays between about 90% and 100% of
 *       the limit, and 429s stay rare because each cut comes after one or two of them.
 *   <li>OpenAI's {@code x-ratelimit-*} headers say it before a 429 does: when a bucket is nearly
 *       empty the pace drops to the rate at which the bucket refills, and when it is empty
 *       everyone waits until it holds one more request (or, for tokens, until it is full).
 * </ul>
 *
 * <p>Optional hard caps ({@code maxRequestsPerMinute}, {@code maxTokensPerMinute}) hold whatever
 * the server says. A token cap charges each request its estimate when it is let through and
 * settles the difference when the reply reports its real usage.
 *
 * <p>Pacing spaces requests evenly and lends no credit for idle time, so no burst ever exceeds
 * the pace. Thread-safe; one instance serves a run.
 */
public final class AdaptiveRateLimiter {

  /** Share of the accepted rate that a 429 cuts the pace to. */
  static final double DECREASE = 0.9;

  /** Growth per second, as a share of the pace set at the last cut (at least the minimum below). */
  static final double INCREASE_PER_SECOND = 0.02;

  /**
   * The least growth per second, in requests per second: after a run of cuts (or a 429 that was
   * not about the rate at all) a slow pace must not take minutes to recover.
   */
  static final double MIN_INCREASE_PER_SECOND = 0.1;

  /** The shortest span an accepted rate is measured over. */
  static final long MIN_SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** The pace never drops below one request in ten seconds. */
  static final double MIN_RATE = 0.1;

  /** How far back the accepted rate is measured. */
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** The longest a server-requested pause is honoured (a misconfigured proxy may ask for a day). */
  static final long MAX_PAUSE_NANOS = TimeUnit.MINUTES.toNanos(2);

  /** Below this share of the limit left, the headers' refill rate becomes the pace. */
  static final double LOW_WATER = 0.05;

  /**
   * Hard caps; zero means none.
   *
   * @param requestsPerMinute the most requests sent in any minute
   * @param tokensPerMinute the most tokens (prompt and reply) spent in any minute
   */
  public record Caps(double requestsPerMinute, double tokensPerMinute) {
    public static final Caps NONE = new Caps(0, 0);

    public Caps {
      if (requestsPerMinute < 0 || tokensPerMinute < 0) {
        throw new IllegalArgumentException("rate caps must not be negative");
      }
    }
  }

  private final Caps caps;
  private final LongSupplier ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // All guarded by lock.
  private double rate = Double.POSITIVE_INFINITY;
  private double increasePerSecond;
  private long lastDecreaseAt;
  private long lastIncreaseAt;
  private boolean binding;
  private boolean anyDecrease;
  private long pauseUntil;
  private long nextRequestSlot;
  private long nextTokenSlot;
  private long firstSentAt;
  private boolean anySent;
  private boolean released;
  private final ArrayDeque<Long> accepted = new ArrayDeque<>();
  private final ArrayDeque<Long> sent = new ArrayDeque<>();

  public AdaptiveRateLimiter(Caps caps) {
    this(caps, System::nanoTime);
  }

  /** With a clock for tests; {@link #acquire} still waits in real time. */
  AdaptiveRateLimiter(Caps caps, LongSupplier ticker) {
    this.caps = caps;
    this.ticker = ticker;
    long now = ticker.getAsLong();
    this.pauseUntil = now;
    this.nextRequestSlot = now;
    this.nextTokenSlot = now;
    this.lastIncreaseAt = now;
  }

  /**
   * Blocks until a request estimated at {@code estimatedTokens} may go, and returns the time it
   * was let through.
   */
  public long acquire(long estimatedTokens) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        long now = ticker.getAsLong();
        long wait = waitNanos(now);
        if (wait <= 0 || released) {
          admit(now, estimatedTokens);
          return now;
        }
        if (nextRequestSlot - now > 0 && pauseUntil - now <= 0) {
          binding = true;
        }
        changed.awaitNanos(wait);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Lets every waiting and future {@link #acquire} return at once: for a run that stops sending,
   * whose gate then refuses the requests, so that no thread sits out a pause for nothing.
   */
  public void releaseAll() {
    lock.lock();
    try {
      released = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Learns from how an attempt ended. */
  public void onResult(AttemptResult result) {
    lock.lock();
    try {
      long now = ticker.getAsLong();
      settleTokens(result);
      if (result.rateLimited()) {
        onRateLimited(now, result);
      } else if (result.status() != 0) {
        accepted.addLast(now);
        prune(accepted, now);
        if (result.status() >= 200 && result.status() < 300) {
          increase(now);
        }
      }
      applyHeaders(now, result.limits(), result.estimatedTokens());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The current pace in requests per second, hard cap included; infinite when unpaced. */
  public double requestsPerSecond() {
    lock.lock();
    try {
      return effectiveRate();
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #acquire} notes when a request has to wait for the pace: for hand-clocked tests. */
  void markWaiting() {
    lock.lock();
    try {
      binding = true;
    } finally {
      lock.unlock();
    }
  }

  /** How long a request arriving now would wait; 0 when it could go at once. */
  long waitNanos() {
    lock.lock();
    try {
      return Math.max(0, waitNanos(ticker.getAsLong()));
    } finally {
      lock.unlock();
    }
  }

  private long waitNanos(long now) {
    long readyAt = max(pauseUntil, nextRequestSlot, nextTokenSlot);
    return readyAt - now;
  }

  private void admit(long now, long estimatedTokens) {
    if (!anySent) {
      anySent = true;
      firstSentAt = now;
    }
    sent.addLast(now);
    prune(sent, now);
    double pace = effectiveRate();
    long interval = Double.isInfinite(pace) ? 0 : (long) (1e9 / pace);
    nextRequestSlot = Math.max(now, nextRequestSlot) + interval;
    if (caps.tokensPerMinute() > 0) {
      long cost = (long) (Math.max(0, estimatedTokens) * 60e9 / caps.tokensPerMinute());
      nextTokenSlot = Math.max(now, nextTokenSlot) + cost;
    }
  }

  /** A token cap charged the estimate; the reply's real usage settles the difference. */
  private void settleTokens(AttemptResult result) {
    if (caps.tokensPerMinute() <= 0) {
      return;
    }
    Usage usage = result.usage();
    long actual = usage.promptTokens() + usage.completionTokens();
    if (actual == 0) {
      return; // no usage reported (an error): the estimate stands, which errs on the safe side
    }
    nextTokenSlot += (long) ((actual - result.estimatedTokens()) * 60e9 / caps.tokensPerMinute());
  }

  private void onRateLimited(long now, AttemptResult result) {
    Duration retryAfter = result.retryAfter();
    if (retryAfter != null && !retryAfter.isNegative()) {
      pauseUntil = Math.max(pauseUntil, now + Math.min(retryAfter.toNanos(), MAX_PAUSE_NANOS));
    }
    if (anyDecrease && result.sentAtNanos() - lastDecreaseAt < 0) {
      return; // sent at the old pace: already answered by the last cut
    }
    prune(accepted, now);
    prune(sent, now);
    // Early in a run the window is shorter than ten seconds: measure over what there is.
    double span = Math.max(MIN_SPAN_NANOS, now - Math.max(firstSentAt, now - WINDOW_NANOS)) / 1e9;
    double measured =
        accepted.isEmpty() ? 0.5 * sent.size() / span : DECREASE * accepted.size() / span;
    double base = Double.isInfinite(rate) ? measured : Math.min(rate * DECREASE, measured);
    rate = Math.max(MIN_RATE, base);
    increasePerSecond = Math.max(MIN_INCREASE_PER_SECOND, rate * INCREASE_PER_SECOND);
    anyDecrease = true;
    lastDecreaseAt = now;
    lastIncreaseAt = now;
    binding = false;
  }

  private void increase(long now) {
    if (Double.isInfinite(rate)) {
      return;
    }
    if (binding) {
      rate += increasePerSecond * (now - lastIncreaseAt) / 1e9;
      binding = false;
    }
    lastIncreaseAt = now;
  }

  private void applyHeaders(long now, RateLimitInfo limits, long estimatedTokens) {
    if (limits.remainingRequests() >= 0 && limits.resetRequests() != null) {
      double refill = limits.requestRefillPerSecond();
      if (limits.remainingRequests() == 0) {
        long oneRequest =
            refill > 0 ? (long) (1e9 / refill) : limits.resetRequests().toNanos();
        pauseUntil = Math.max(pauseUntil, now + Math.min(oneRequest, MAX_PAUSE_NANOS));
      }
      if (refill > 0 && limits.remainingRequests() < LOW_WATER * limits.limitRequests()) {
        slowTo(now, refill);
      }
    }
    if (limits.remainingTokens() >= 0 && limits.resetTokens() != null) {
      if (limits.remainingTokens() < Math.max(1, estimatedTokens)) {
        pauseUntil =
            Math.max(pauseUntil, now + Math.min(limits.resetTokens().toNanos(), MAX_PAUSE_NANOS));
      }
      double refill = limits.tokenRefillPerSecond();
      if (refill > 0
          && estimatedTokens > 0
          && limits.remainingTokens() < LOW_WATER * limits.limitTokens()) {
        slowTo(now, refill / estimatedTokens);
      }
    }
  }

  /** Lowers the pace to what the provider's headers say it can sustain. */
  private void slowTo(long now, double sustainable) {
    if (sustainable < rate) {
      rate = Math.max(MIN_RATE, sustainable);
      increasePerSecond = Math.max(MIN_INCREASE_PER_SECOND, rate * INCREASE_PER_SECOND);
      lastIncreaseAt = now;
      binding = false;
    }
  }

  private double effectiveRate() {
    double cap = caps.requestsPerMinute() > 0 ? caps.requestsPerMinute() / 60 : Double.POSITIVE_INFINITY;
    return Math.min(rate, cap);
  }

  private static void prune(ArrayDeque<Long> times, long now) {
    while (!times.isEmpty() && now - times.peekFirst() > WINDOW_NANOS) {
      times.pollFirst();
    }
  }

  private static long max(long a, long b, long c) {
    long ab = a - b > 0 ? a : b;
    return ab - c > 0 ? ab : c;
  }
}
