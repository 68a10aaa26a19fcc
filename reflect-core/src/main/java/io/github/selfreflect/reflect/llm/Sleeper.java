package io.github.selfreflect.reflect.llm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits between retries. A seam for tests: they record the requested delays instead of sleeping
 * through a real backoff.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps on the calling thread. */
  Sleeper SYSTEM = delay -> TimeUnit.NANOSECONDS.sleep(delay.toNanos());

  void sleep(Duration delay) throws InterruptedException;
}
