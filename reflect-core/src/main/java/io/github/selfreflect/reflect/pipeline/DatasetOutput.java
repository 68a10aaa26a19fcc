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
import io.github.selfreflect.reflect.filter.Exclusion;
import io.github.selfreflect.reflect.filter.QualityFilter;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.report.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The write pass: the dataset files and {@code report.html} in corpus order, from the cache
 * alone, each reflection passed through the quality filters (and, when asked, the cache snapshot a
 * release carries), then the dataset card, then the manifest (written last: its
 * presence marks a complete dataset).
 */
final class DatasetOutput {

  /** Written by {@code reflect:evaluate}; removed here because it judged an earlier dataset. */
  static final String EVALUATION_FILE = "evaluation.json";

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
    QualityFilter filter = new QualityFilter(request.filters());
    // What the dataset's reflections cost when they were made, filtered ones included: they
    // were paid for all the same.
    Usage[] datasetUsage = {Usage.NONE};
    List<OutputFile> files;
    Path snapshotDirectory = options.cacheSnapshotDirectory();
    // An evaluation judged the previous dataset; reflect:evaluate writes a new one.
    Files.deleteIfExists(request.outputDirectory().resolve(EVALUATION_FILE));
    try (DatasetWriter writer =
            DatasetWriter.open(request.outputDirectory(), options.formats(), request.sft());
        ReportWriter report =
            ReportWriter.open(
                request.outputDirectory(), plan.targets, ReportWriter.DEFAULT_MAX_TARGETS, request.sft());
        CacheSnapshot snapshot =
            snapshotDirectory == null ? null : CacheSnapshot.create(snapshotDirectory)) {
      corpus.forEachTarget(
          ReflectPipeline.ALREADY_REPORTED,
          (target, chatRequest, key) -> {
            Optional<CacheEntry> entry = cache.get(key);
            if (entry.isPresent()) {
              Exclusion exclusion = filter.check(target, entry.get().reflection());
              writer.write(target, entry.get(), exclusion);
              report.reflected(target, entry.get(), exclusion);
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
              report.failed(target, reason);
              failed[0]++;
            } else {
              skipped[0]++; // missing in partial offline mode, or left unsent by an aborted run
            }
          });
      files = new ArrayList<>(writer.finish());
      if (snapshot != null) {
        snapshot.finish();
      }
      RunSummary summary =
          plan.summary(outcome, written[0] - plan.cached, failed[0], skipped[0])
              .withDatasetUsage(datasetUsage[0]);
      List<SourceFile> sources = sources();
      files.add(report.finish(manifest(summary, filter, files, sources, datasetUsage[0])));
      Manifest manifest = manifest(summary, filter, files, sources, datasetUsage[0]);
      DatasetCardWriter.write(request.outputDirectory(), manifest, options.card());
      ManifestWriter.write(request.outputDirectory(), manifest);
      return summary;
    }
  }

  private Manifest manifest(
      RunSummary summary,
      QualityFilter filter,
      List<OutputFile> files,
      List<SourceFile> sources,
      Usage datasetUsage) {
    return new Manifest(
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
        new Manifest.Filters(filter.settings(), filter.counts()),
        files,
        sources,
        datasetUsage,
        request.limits().pricing());
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
