package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.cache.JsonlReflectionCache.CompactionResult;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.pipeline.CacheCompaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Rewrites the reflection cache into its canonical form, so that a committed cache diffs cleanly:
 * one record per key, sorted by key, one per line, nothing else (duplicates from merges, damaged
 * and torn lines go). The new file replaces the old one in one atomic rename, under the cache's
 * lock. With {@code reflect.prune=true} it also drops the records that no target of the current
 * chats and configuration (model, template, sampling, window, provider) uses. It sends nothing,
 * so it has no endpoint parameters.
 *
 * @since 0.1.0
 */
@Mojo(name = "compact", requiresProject = true, threadSafe = true)
public final class CompactMojo extends AbstractCorpusMojo {

  /**
   * Also drop the records that no current target uses: reflections of deleted or edited chats, of
   * another model, template or window. They were paid for, so this is off by default; git history
   * keeps them if the cache is committed. Refused when a chat record cannot be read.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.prune", defaultValue = "false")
  private boolean prune;

  @Override
  String goal() {
    return "compact";
  }

  @Override
  void run() throws MojoExecutionException, MojoFailureException {
    CompactionResult result;
    try {
      result =
          CacheCompaction.compact(
              corpus(),
              prune,
              new MavenReflectListener(getLog(), System::nanoTime, MavenReflectListener.CADENCE));
    } catch (CacheCompaction.PruneRefusedException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (InvalidChatException e) {
      throw new MojoFailureException(
          "Invalid chat record in " + chats + ": " + e.getMessage() + "; nothing was pruned", e);
    } catch (UncheckedIOException | IOException e) {
      throw new MojoExecutionException("reflect:compact failed: " + e.getMessage(), e);
    }
    getLog()
        .info(
            String.format(
                "Compacted %s: %d records kept, %d pruned, %d duplicates and %d invalid lines"
                    + " dropped (%d -> %d bytes)",
                cacheDirectory,
                result.kept(),
                result.pruned(),
                result.duplicates(),
                result.invalid(),
                result.bytesBefore(),
                result.bytesAfter()));
  }
}
