package io.github.selfreflect.reflect.pipeline;

import java.util.List;

/**
 * Where a corpus stands against its cache, before anything is paid for ({@code reflect:status}).
 *
 * @param conversations conversations read
 * @param targets assistant turns with hindsight to reflect on: {@code cached + toReflect + tooLong},
 *     counted as {@code reflect:generate} counts them
 * @param cached targets whose reflection is in the cache
 * @param toReflect targets a build would send a request for
 * @param tooLong targets whose prompt cannot fit {@code reflect.maxPromptTokens} even with the
 *     earlier history elided: a build skips them, so they are neither cached nor to be paid for
 * @param invalidRecords chat records that could not be read (skipped and counted here)
 * @param invalidCacheLines cache lines that are damaged, torn or not records
 * @param duplicateCacheLines cache lines repeating an earlier key (compaction removes them)
 * @param promptTokens the estimated prompt tokens of the requests for the targets to reflect
 * @param tokenizer how the tokens were counted: an OpenAI encoding name, or an approximation
 * @param exactTokens whether {@code tokenizer} is the model's own tokenizer
 * @param missing the first targets to reflect, at most {@link RunSummary#LISTED}
 */
public record StatusReport(
    long conversations,
    long targets,
    long cached,
    long toReflect,
    long tooLong,
    long invalidRecords,
    long invalidCacheLines,
    long duplicateCacheLines,
    long promptTokens,
    String tokenizer,
    boolean exactTokens,
    List<TargetRef> missing) {

  public StatusReport {
    missing = List.copyOf(missing);
  }
}
