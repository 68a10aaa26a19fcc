package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.Usage;
import java.time.Duration;

/**
 * Where a run stands, as the request pass reports it at a steady cadence.
 *
 * @param targets the targets of the corpus to reflect or take from the cache: all but those
 *     skipped as too long for the prompt budget
 * @param cached targets this run need not ask for: those the cache had when the run started, and
 *     those another build sharing the cache has stored since (as the summary counts them)
 * @param toReflect targets this run reflects: those the cache lacked when the run started, less
 *     those another build has stored since; it shrinks as such targets are found
 * @param reflected targets reflected so far (a conversation in two files is two targets)
 * @param failed targets failed so far
 * @param requests HTTP requests sent so far, retries included
 * @param retries requests repeated so far: transport retries and re-asked unusable replies
 * @param rateLimited 429 answers so far
 * @param usage tokens spent so far
 * @param elapsed time since the request pass began
 * @param pace the current pace in requests per second, infinite when unpaced
 */
public record RunProgress(
    long targets,
    long cached,
    long toReflect,
    long reflected,
    long failed,
    long requests,
    long retries,
    long rateLimited,
    Usage usage,
    Duration elapsed,
    double pace) {

  /** Targets settled this run, reflected or failed. */
  public long settled() {
    return reflected + failed;
  }

  /** Targets done: cached before the run, or settled by it. */
  public long done() {
    return cached + settled();
  }

  /** Targets this run still has to settle: 0 once the last request has. */
  public long remaining() {
    return Math.max(0, toReflect - settled());
  }

  /** Share of all targets done, 0 to 100. */
  public double percent() {
    return targets == 0 ? 100 : 100.0 * done() / targets;
  }

  /** Requests per second since the pass began. */
  public double requestsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : requests / seconds;
  }

  /** The time left at the rate so far, or null before anything settled. */
  public Duration eta() {
    long settled = settled();
    if (settled == 0) {
      return null;
    }
    return Duration.ofNanos((long) ((double) elapsed.toNanos() * remaining() / settled));
  }
}
