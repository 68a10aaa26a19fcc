package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.LlmException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The request pass every goal that pays for replies runs on ({@code generate}'s targets, {@code
 * evaluate}'s judgments): up to {@code concurrency} requests in flight on a pool, the caller's
 * thread reading a bounded distance ahead of them, a heartbeat that feeds the progress lines, and
 * one way to stop: a spent budget or Ctrl-C stops the run's {@link RunMeter} (no request and no
 * retry leaves), and an {@link #abort} (credentials refused, model unknown, a cache that cannot
 * keep replies) stops it too. Either way the requests in flight finish and their replies are kept:
 * {@link #finish} waits for them, whatever interrupts it, because they are paid for.
 *
 * <p>What a request does with its reply is the caller's: this class only runs the work.
 */
public final class RequestPass implements AutoCloseable {

  /** How often the heartbeat runs; the listener picks its own cadence from these. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private final RunMeter meter;
  private final ExecutorService pool;
  private final ScheduledExecutorService heartbeat;
  private final Runnable beat;
  private final Semaphore slots;
  private final AtomicReference<Exception> abort = new AtomicReference<>();
  private boolean finished;

  /**
   * Starts the pool and the heartbeat.
   *
   * @param name the threads' name, e.g. {@code reflect-request}
   * @param beat run every {@link #HEARTBEAT} and once more at the end, e.g. a progress report
   */
  public RequestPass(String name, int concurrency, RunMeter meter, Runnable beat) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, found " + concurrency);
    }
    this.meter = meter;
    this.beat = beat;
    this.pool = Executors.newFixedThreadPool(concurrency, daemon(name));
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(daemon(name + "-progress"));
    heartbeat.scheduleAtFixedRate(
        beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    // Bounds the work read ahead of the requests, so memory stays flat on a large corpus.
    this.slots = new Semaphore(concurrency * 2);
  }

  /**
   * Runs {@code work} on the pool once a slot is free: blocks the reader while {@code 2 x
   * concurrency} pieces of work are queued or running.
   */
  public void submit(Runnable work) throws InterruptedIOException {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a request slot");
    }
    try {
      pool.execute(
          () -> {
            try {
              work.run();
            } finally {
              slots.release();
            }
          });
    } catch (RuntimeException e) {
      slots.release();
      throw e;
    }
  }

  /** Whether the run sends no more: a budget, a cancellation or an abort stopped it. */
  public boolean stopped() {
    return abort.get() != null || meter.stop() != RunMeter.Stop.NONE;
  }

  /** Stops the run for a reason that fails it; the first reason wins. */
  public void abort(Exception reason) {
    if (abort.compareAndSet(null, reason)) {
      meter.halt();
    }
  }

  /** What aborted the run, or null. */
  public Exception aborted() {
    return abort.get();
  }

  /**
   * Whether a failed request means every other would fail the same way: the credentials are
   * refused (401, 403) or the endpoint does not know the model (404). Each would cost a round trip.
   */
  public static boolean stopsTheRun(LlmException e) {
    return e.status() == 401 || e.status() == 403 || e.status() == 404;
  }

  /**
   * Waits for every piece of work to finish (replies in flight are paid for: an interrupt does
   * not cut the wait short, it is restored afterwards), stops the heartbeat and beats once more,
   * so that the last report is the final one.
   */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    pool.shutdown();
    awaitQuietly(pool);
    heartbeat.shutdownNow();
    // A heartbeat under way finishes first, so that the report below is the last one heard.
    awaitQuietly(heartbeat);
    beat.run();
  }

  @Override
  public void close() {
    finish();
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
