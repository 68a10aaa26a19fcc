package io.github.selfreflect.reflect.pipeline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the request pass has settled, counted per target as the run's summary counts them, so that
 * the progress line adds up to the same figures the summary then reports; and every key the pass
 * has claimed.
 *
 * <p>A key is claimed by the first target that needs it. A later target with the same key (the
 * same conversation in two files) is a copy: it needs no request of its own and settles with the
 * first, as reflected or failed. A target another build sharing the cache stored meanwhile (found
 * when it is read, or right before its request leaves) counts as cached, with its copies: this run
 * does not pay for it, and "to go" must not wait for it.
 *
 * <p>Safe for the reader thread and the request threads at once: each key's claim changes inside
 * one atomic {@link ConcurrentHashMap#compute}, so a copy is never counted both with its claim and
 * on its own.
 */
final class TargetTally {

  private enum State {
    PENDING,
    REFLECTED,
    FAILED,
    STORED_ELSEWHERE
  }

  /** A claimed key: what became of it, and the copies waiting to settle with it. */
  private record Claim(State state, long copies) {}

  private static final Claim PENDING = new Claim(State.PENDING, 0);

  private final ConcurrentHashMap<String, Claim> claims = new ConcurrentHashMap<>();
  private final LongAdder cached = new LongAdder();
  private final LongAdder reflected = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /**
   * A target the cache lacks: true if this run must request it (it is the first with its key and
   * now claims it), false if it is a copy of a claimed one (settled with it).
   */
  boolean claim(String key) {
    boolean[] first = {false};
    claims.compute(
        key,
        (k, claim) -> {
          if (claim == null) {
            first[0] = true;
            return PENDING;
          }
          return copy(claim);
        });
    return first[0];
  }

  /**
   * A target the plan found missing and the cache holds when it is read again: a copy of a key
   * this run claimed, or one another build stored meanwhile.
   */
  void foundStored(String key) {
    claims.compute(
        key,
        (k, claim) -> {
          if (claim == null || claim.state() == State.FAILED) {
            cached.increment(); // not this run's reply: another build's
            return claim;
          }
          return copy(claim);
        });
  }

  /** This run received and stored the reply for a claimed key. */
  void reflected(String key) {
    settle(key, State.REFLECTED, reflected);
  }

  /** A claimed key failed for good. */
  void failed(String key) {
    settle(key, State.FAILED, failed);
  }

  /** Another build stored a claimed key before this run's request left: it is not sent. */
  void storedElsewhere(String key) {
    settle(key, State.STORED_ELSEWHERE, cached);
  }

  /** Whether this run received (and stored) the reply for the key. */
  boolean paidFor(String key) {
    Claim claim = claims.get(key);
    return claim != null && claim.state() == State.REFLECTED;
  }

  /** Targets another build stored meanwhile, copies included. */
  long cached() {
    return cached.sum();
  }

  /** Targets this run reflected, copies included. */
  long reflected() {
    return reflected.sum();
  }

  /** Targets that failed, copies included. */
  long failed() {
    return failed.sum();
  }

  /** A copy of a claimed key: counted now if the key has settled, else when it does. */
  private Claim copy(Claim claim) {
    switch (claim.state()) {
      case PENDING:
        return new Claim(State.PENDING, claim.copies() + 1);
      case REFLECTED:
        reflected.increment();
        break;
      case FAILED:
        failed.increment();
        break;
      case STORED_ELSEWHERE:
      default:
        cached.increment();
    }
    return claim;
  }

  private void settle(String key, State state, LongAdder counter) {
    claims.computeIfPresent(
        key,
        (k, claim) -> {
          if (claim.state() != State.PENDING) {
            return claim; // settled once: a key is counted once
          }
          counter.add(1 + claim.copies());
          return new Claim(state, 0);
        });
  }
}
