package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.RunProgress;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.maven.plugin.logging.Log;

/**
 * Maps the core's events onto the Maven log. Progress comes as one plain line at a steady cadence
 * (every few seconds, and once at the end of the request pass) rather than per request, so that
 * a run of thousands of requests leaves a readable log in a terminal and in CI alike:
 *
 * <pre>
 * Reflecting: 1,210/2,000 targets (60%), 200 cached, 1,000 reflected, 10 failed; 9.8 req/s,
 *   1,234,567 tokens, 31 retries (4 rate-limited), paced at 9.9 req/s; ETA 1m 40s
 * </pre>
 *
 * (on one line). A live progress bar would need to own the terminal, which the Maven logger does
 * not allow cleanly across Maven 3 and 4, so there is none.
 */
final class MavenReflectListener implements ReflectListener {

  /** How often a progress line is logged. */
  static final Duration CADENCE = Duration.ofSeconds(5);

  private final Log log;
  private final LongSupplier clock;
  private final long cadenceNanos;
  private long nextReport;
  private long lastSettled = -1;

  MavenReflectListener(Log log, LongSupplier clock, Duration cadence) {
    this.log = log;
    this.clock = clock;
    this.cadenceNanos = cadence.toNanos();
    this.nextReport = clock.getAsLong() + cadenceNanos;
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
  public synchronized void progress(RunProgress p) {
    long now = clock.getAsLong();
    boolean last = p.settled() >= p.toReflect();
    if (last ? p.settled() == lastSettled : now - nextReport < 0) {
      return;
    }
    nextReport = now + cadenceNanos;
    lastSettled = p.settled();
    log.info(line(p));
  }

  static String line(RunProgress p) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Reflecting: %,d/%,d targets (%d%%), %,d cached, %,d reflected, %,d failed;"
                    + " %.1f req/s, %,d tokens, %,d retries (%,d rate-limited)",
                p.done(),
                p.targets(),
                (long) Math.floor(p.percent()),
                p.cached(),
                p.reflected(),
                p.failed(),
                p.requestsPerSecond(),
                p.usage().promptTokens() + p.usage().completionTokens(),
                p.retries(),
                p.rateLimited()));
    if (!Double.isInfinite(p.pace())) {
      line.append(String.format(Locale.ROOT, ", paced at %.1f req/s", p.pace()));
    }
    Duration eta = p.eta();
    if (eta != null && p.settled() < p.toReflect()) {
      line.append("; ETA ").append(duration(eta.toNanos() / 1e9));
    }
    return line.toString();
  }

  /** {@code 850 ms}, {@code 12.3 s}, {@code 4m 05s}, {@code 2h 03m}. */
  static String duration(double seconds) {
    if (seconds < 1) {
      return Math.round(seconds * 1000) + " ms";
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
  }
}
