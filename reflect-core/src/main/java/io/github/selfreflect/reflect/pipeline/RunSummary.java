package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.Usage;
import java.util.List;

/**
 * What a run did, for the log, the manifest and the tests.
 *
 * @param conversations conversations read
 * @param targets assistant turns with hindsight to reflect on
 * @param cached targets whose reflection was already in the cache
 * @param reflected targets reflected by this run
 * @param failed targets whose replies stayed unusable
 * @param skipped targets left out: missing in partial offline mode, or too long (below)
 * @param tooLong of the skipped, targets whose prompt cannot fit {@code reflect.maxPromptTokens}
 * @param invalidRecords chat records skipped as invalid ({@code failOnInvalid=false})
 * @param requests chat-completion requests sent (transport retries not counted)
 * @param usage tokens spent by this run's requests
 * @param missing the first missing targets (offline), at most {@link #LISTED} of them
 * @param failures the first failed targets with their reasons, at most {@link #LISTED}
 */
public record RunSummary(
    long conversations,
    long targets,
    long cached,
    long reflected,
    long failed,
    long skipped,
    long tooLong,
    long invalidRecords,
    long requests,
    Usage usage,
    List<TargetRef> missing,
    List<String> failures) {

  /** How many missing or failed targets a summary names; the counts cover the rest. */
  public static final int LISTED = 50;

  public RunSummary {
    missing = List.copyOf(missing);
    failures = List.copyOf(failures);
  }
}
