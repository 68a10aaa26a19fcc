package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache.CompactionResult;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code reflect:compact}: rewrites the cache into its canonical form (see {@link
 * JsonlReflectionCache#compact}), and with pruning drops the records that no target of the
 * current corpus and configuration (model, template, sampling, window) uses.
 */
public final class CacheCompaction {

  private CacheCompaction() {}

  /**
   * Compacts the cache of {@code request}.
   *
   * @param prune whether to drop records no current target uses
   * @throws PruneRefusedException when pruning and a chat record cannot be read: its targets'
   *     records would look unused and be dropped, and they were paid for
   */
  public static CompactionResult compact(CorpusRequest request, boolean prune, ReflectListener listener)
      throws IOException, PruneRefusedException {
    try (JsonlReflectionCache cache =
        JsonlReflectionCache.open(request.cacheDirectory(), listener::warn)) {
      if (!prune) {
        return cache.compact(key -> true);
      }
      Set<String> used = new HashSet<>();
      long[] invalid = {0};
      InvalidRecordHandler onInvalid =
          problem -> {
            invalid[0]++;
            listener.warn("Invalid record: " + problem.getMessage());
          };
      new CorpusTargets(request).forEachTarget(onInvalid, (target, chatRequest, key) -> used.add(key));
      if (invalid[0] > 0) {
        throw new PruneRefusedException(
            invalid[0]
                + " chat records could not be read, so the cache records of their targets would"
                + " look unused; nothing was pruned. Fix the records, or compact without"
                + " reflect.prune.");
      }
      return cache.compact(used::contains);
    }
  }

  /** Pruning would have dropped records that may still be needed. */
  public static final class PruneRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    PruneRefusedException(String message) {
      super(message);
    }
  }
}
