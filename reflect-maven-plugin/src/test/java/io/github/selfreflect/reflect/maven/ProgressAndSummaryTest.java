package io.github.selfreflect.reflect.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.selfreflect.reflect.llm.Pricing;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.pipeline.RunProgress;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressAndSummaryTest {

  static RunProgress progress(long settled, long seconds) {
    return new RunProgress(2_000, 200, 1_800, settled, 0, settled + 12, 12, 4,
        new Usage(1_000_000, 0, 234_567), Duration.ofSeconds(seconds), 9.87);
  }

  @Test
  void logsOnePlainLineAtASteadyCadenceAndOnceAtTheEnd() {
    RecordingLog log = new RecordingLog();
    AtomicLong clock = new AtomicLong();
    MavenReflectListener listener =
        new MavenReflectListener(log, clock::get, Duration.ofSeconds(5));
    for (int second = 1; second <= 12; second++) {
      clock.set(Duration.ofSeconds(second).toNanos());
      listener.progress(progress(second * 100, second));
    }
    listener.progress(progress(1_800, 18)); // the end, off the cadence
    listener.progress(progress(1_800, 18)); // told twice, logged once
    assertEquals(
        List.of(
            "INFO Reflecting: 700/2,000 targets (35%), 200 cached, 500 reflected, 0 failed;"
                + " 102.4 req/s, 1,234,567 tokens, 12 retries (4 rate-limited), paced at 9.9"
                + " req/s; ETA 13.0 s",
            "INFO Reflecting: 1,200/2,000 targets (60%), 200 cached, 1,000 reflected, 0 failed;"
                + " 101.2 req/s, 1,234,567 tokens, 12 retries (4 rate-limited), paced at 9.9"
                + " req/s; ETA 8.0 s",
            "INFO Reflecting: 2,000/2,000 targets (100%), 200 cached, 1,800 reflected, 0 failed;"
                + " 100.7 req/s, 1,234,567 tokens, 12 retries (4 rate-limited), paced at 9.9"
                + " req/s"),
        log.lines);
  }

  @Test
  void theSummaryIsOneCompactBlock() {
    RunSummary summary =
        new RunSummary(4, 5, 1, 3, 1, 0, 0, 7, new Usage(4_000, 1_000, 600), List.of(),
            List.of(), 3, 2, new Usage(5_000, 1_000, 700), 0, false);
    assertEquals(
        List.of(
            "Reflect: 4 conversations, 5 targets: 1 cached, 3 reflected, 1 failed, 0 skipped;"
                + " 7 requests sent in 3.5 s (2.0/s)",
            "  this run: 3 retries (2 rate-limited), 4,000 prompt tokens (1,000 cached) + 600"
                + " completion tokens, cost 0.014750",
            "  dataset:  5,000 prompt tokens (1,000 cached) + 700 completion tokens, cost 0.018250"),
        RunReport.lines(summary, Pricing.parse("2.50,1.25,10.00"), Duration.ofMillis(3500).toNanos()));
  }
}
