package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.pipeline.ReflectListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.maven.plugin.logging.Log;

/**
 * Maps the core's events onto the Maven log. Progress is logged at a steady cadence (every few
 * seconds, and when the last target settles) rather than per request, so that a run of thousands
 * of requests leaves a readable log.
 */
final class MavenReflectListener implements ReflectListener {

  static final long CADENCE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Log log;
  private final LongSupplier clock;
  private final AtomicLong nextReport;

  MavenReflectListener(Log log, LongSupplier clock) {
    this.log = log;
    this.clock = clock;
    this.nextReport = new AtomicLong(clock.getAsLong() + CADENCE_NANOS);
  }

  @Override
  public void info(String message) {
    log.info(message);
  }

  @Override
  public void warn(String message) {
    log.warn(message);
  }

  @Override
  public void progress(long settled, long toReflect) {
    long now = clock.getAsLong();
    long due = nextReport.get();
    boolean last = settled == toReflect;
    if (last || (now - due >= 0 && nextReport.compareAndSet(due, now + CADENCE_NANOS))) {
      log.info(
          String.format(
              "Reflected %d/%d targets (%d%%)",
              settled, toReflect, toReflect == 0 ? 100 : settled * 100 / toReflect));
    }
  }
}
