package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.Usage;
import java.util.List;

/**
 * What a run did, for the log, the manifest and the tests.
 *
 * @param conversations conversations read
 * @param targets assistant turns with hindsight to reflect on
 * @param cached targets whose reflection was already in the cache, or was stored there by another
 *     build sharing it before this run asked
 * @param reflected targets reflected by this run
 * @param failed targets whose replies stayed unusable
 * @param skipped targets left out: missing in partial offline mode, or too long (below)
 * @param invalidRecords chat records skipped as invalid ({@code failOnInvalid=false})
 * @param requests HTTP requests sent by this run, retries included
 * @param usage tokens spent by this run's requests, unusable replies included
 * @param missing the first missing targets (offline), at most {@link #LISTED} of them
 * @param failures the first failed targets with their reasons, at most {@link #LISTED}
 * @param retries requests repeated: transport retries (429, 5xx, timeouts, broken bodies) and
 *     re-asked unusable replies
 * @param rateLimited 429 answers received
 * @param datasetUsage what the reflections in the dataset cost when they were made (from the
 *     cache, whichever run paid for them); the figure the manifest records
 * @param tooLong of the skipped, targets whose prompt cannot fit {@code reflect.maxPromptTokens}
 * @param upToDate the dataset of the last build was found up to date and left as it was (the
 *     counts are that build's, with every reflection now cached)
 */
public record RunSummary(
    long conversations,
    long targets,
    long cached,
    long reflected,
    long failed,
    long skipped,
    long invalidRecords,
    long requests,
    Usage usage,
    List<TargetRef> missing,
    List<String> failures,
    long retries,
    long rateLimited,
    Usage datasetUsage,
    long tooLong,
    boolean upToDate) {

  /** How many missing or failed targets a summary names; the counts cover the rest. */
  public static final int LISTED = 50;

  public RunSummary {
    missing = List.copyOf(missing);
    failures = List.copyOf(failures);
  }

  /** This summary with the dataset's usage, as the write pass sums it. */
  public RunSummary withDatasetUsage(Usage usage) {
    return new RunSummary(
        conversations, targets, cached, reflected, failed, skipped, invalidRecords, requests,
        this.usage, missing, failures, retries, rateLimited, usage, tooLong, upToDate);
  }

  /**
   * Whether this build left a dataset that a later build may find up to date: every target is in
   * it or was left out on purpose (filters, too long), none failed and none is missing.
   */
  boolean complete() {
    return failed == 0 && skipped == tooLong;
  }
}
