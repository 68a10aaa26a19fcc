package io.github.selfreflect.reflect.util;

/** Waiting for threads that must be waited for. */
public final class Threads {

  private Threads() {}

  /**
   * Waits until {@code thread} has ended, even when interrupted meanwhile: for a thread that
   * still reads a file or channel the caller is about to close. An interrupt is kept for the
   * caller (the flag is set again on return).
   *
   * @return whether the calling thread was interrupted while it waited
   */
  public static boolean joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return interrupted;
  }
}
