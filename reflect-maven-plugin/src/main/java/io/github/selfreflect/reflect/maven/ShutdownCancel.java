package io.github.selfreflect.reflect.maven;

import java.time.Duration;
import org.apache.maven.plugin.logging.Log;

/**
 * Ctrl-C during a run: a JVM shutdown hook that cancels the pipeline (nothing new is sent) and
 * waits a bounded time for the requests in flight to come back and be cached, so that a user who
 * stops a long run loses no reply that arrives within the grace and the next build resumes from
 * the cache. Without it the JVM would exit at once and every reply in flight, already paid for,
 * would be lost.
 */
final class ShutdownCancel {

  private ShutdownCancel() {}

  /** Waits at most a given time for the run to end; true if it did. */
  @FunctionalInterface
  interface AwaitFinished {
    boolean await(Duration timeout) throws InterruptedException;
  }

  /**
   * Registers the hook for the duration of one run (a {@code ReflectPipeline} or an {@code
   * Evaluator}: both stop sending on {@code cancel} and cache what is in flight); undo with {@link
   * #unregister}.
   */
  static Thread register(Runnable cancel, AwaitFinished finished, Duration grace, Log log) {
    Thread hook =
        new Thread(
            () -> {
              log.warn(
                  "Interrupted: sending no more requests; waiting up to " + grace.toSeconds()
                      + " s for the replies in flight to be cached");
              cancel.run();
              try {
                if (finished.await(grace)) {
                  log.warn("Stopped: every reply received is cached; the next build resumes");
                } else {
                  log.warn("Replies still in flight after " + grace.toSeconds() + " s are lost");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "reflect-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the run will not get far anyway.
    }
    return hook;
  }

  /** Removes the hook after the run; harmless while the JVM is shutting down. */
  static void unregister(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutting down: the hook is running or has run.
    }
  }
}
