package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.CacheSnapshot;
import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.chat.format.ChatFiles;
import io.github.selfreflect.reflect.dataset.DatasetCardWriter;
import io.github.selfreflect.reflect.dataset.DatasetWriter;
import io.github.selfreflect.reflect.dataset.Manifest;
import io.github.selfreflect.reflect.dataset.ManifestWriter;
import io.github.selfreflect.reflect.dataset.OutputFile;
import io.github.selfreflect.reflect.dataset.SourceFile;
import io.github.selfreflect.reflect.llm.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The write pass: the dataset files in corpus order, from the cache alone (and, when asked, the
 * cache snapshot a release carries), then the dataset card, then the manifest (written last: its
 * presence marks a complete dataset).
 */
final class DatasetOutput {

  private final ReflectRequest request;
  private final ReflectionCache cache;

  DatasetOutput(ReflectRequest request, ReflectionCache cache) {
    this.request = request;
    this.cache = cache;
  }

  /** Writes the dataset and returns the run's summary. */
  RunSummary write(
      ReflectPipeline.Corpus corpus, ReflectPipeline.Plan plan, Reflector.Outcome outcome)
      throws IOException {
    DatasetOptions options = request.dataset();
    // Counted per target as written, not per reply: one reply serves every copy of a
    // conversation that appears in two files, and each copy is a target of its own.
    long[] written = {0};
    long[] failed = {0};
    long[] skipped = {0};
    Usage[] datasetUsage = {Usage.NONE};
    List<OutputFile> files;
    Path snapshotDirectory = options.cacheSnapshotDirectory();
    try (DatasetWriter writer = DatasetWriter.open(request.outputDirectory(), options.formats(), request.sft());
        CacheSnapshot snapshot =
            snapshotDirectory == null ? null : CacheSnapshot.create(snapshotDirectory)) {
      corpus.forEachTarget(
          ReflectPipeline.ALREADY_REPORTED,
          (target, chatRequest, key) -> {
            Optional<CacheEntry> entry = cache.get(key);
            if (entry.isPresent()) {
              writer.write(target, entry.get());
              datasetUsage[0] = datasetUsage[0].plus(entry.get().usage());
              if (snapshot != null) {
                snapshot.add(entry.get());
              }
              written[0]++;
              return;
            }
            String reason = outcome.failureReasons().get(key);
            if (reason != null) {
              writer.writeFailure(target, reason);
              failed[0]++;
            } else {
              skipped[0]++; // missing in partial offline mode, or left unsent by an aborted run
            }
          });
      files = writer.finish();
      if (snapshot != null) {
        snapshot.finish();
      }
    }
    RunSummary summary =
        plan.summary(outcome, written[0] - plan.cached, failed[0], skipped[0])
            .withDatasetUsage(datasetUsage[0]);
    Manifest manifest =
        new Manifest(
            request.generatorVersion(),
            new Manifest.Template(request.template().id(), request.template().fingerprint()),
            request.model(),
            request.sampling(),
            new Manifest.Counts(
                summary.conversations(),
                summary.targets(),
                summary.cached(),
                summary.reflected(),
                summary.failed(),
                summary.skipped(),
                summary.invalidRecords()),
            files,
            sources(),
            datasetUsage[0],
            request.limits().pricing());
    DatasetCardWriter.write(request.outputDirectory(), manifest, options.card());
    ManifestWriter.write(request.outputDirectory(), manifest);
    return summary;
  }

  /**
   * The chat files with their digests, read once more at the end: the manifest says which bytes
   * the dataset was made from, relative names only (no local path).
   */
  private List<SourceFile> sources() throws IOException {
    Path chats = request.chatsDirectory();
    List<SourceFile> sources = new ArrayList<>();
    for (Path file : ChatFiles.list(chats)) {
      sources.add(SourceFile.of(ChatFiles.relativeName(chats, file), file));
    }
    return sources;
  }
}
