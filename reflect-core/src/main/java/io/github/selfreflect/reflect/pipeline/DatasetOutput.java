package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.dataset.DatasetWriter;
import io.github.selfreflect.reflect.dataset.Manifest;
import io.github.selfreflect.reflect.dataset.ManifestWriter;
import io.github.selfreflect.reflect.dataset.OutputFile;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Writes the dataset files in corpus order, then the manifest (written last: its presence marks a
 * complete dataset). Either alongside the first pass ({@link #start}, fed target by target, then
 * {@link #finish}ed or discarded), or as a pass of its own from the cache alone ({@link #write}).
 */
final class DatasetOutput {

  private final ReflectRequest request;
  private final ReflectionCache cache;

  DatasetOutput(ReflectRequest request, ReflectionCache cache) {
    this.request = request;
    this.cache = cache;
  }

  /** A dataset being written by another pass; see {@link #finish}. */
  final class Pending {
    private final DatasetWriter writer;

    private Pending(DatasetWriter writer) {
      this.writer = writer;
    }

    void write(Target target, CacheEntry entry) throws IOException {
      writer.write(target, entry);
    }

    /** Throws the partial files away: this dataset will not be the build's. */
    void discard() throws IOException {
      writer.close();
    }
  }

  /** Starts writing a dataset (removing the previous build's). */
  Pending start() throws IOException {
    return new Pending(DatasetWriter.open(request.outputDirectory()));
  }

  /** Puts the files of {@code dataset} in place and writes the manifest. */
  RunSummary finish(Pending dataset, RunSummary summary) throws IOException {
    List<OutputFile> files;
    try (DatasetWriter writer = dataset.writer) {
      files = writer.finish();
    }
    writeManifest(summary, files);
    return summary;
  }

  /** The write pass: the dataset from the cache alone. Returns the run's summary. */
  RunSummary write(
      ReflectPipeline.Corpus corpus, ReflectPipeline.Plan plan, Reflector.Outcome outcome)
      throws IOException {
    long[] skipped = {0};
    List<OutputFile> files;
    try (DatasetWriter writer = DatasetWriter.open(request.outputDirectory())) {
      corpus.forEachTarget(
          ReflectPipeline.ALREADY_REPORTED,
          (target, chatRequest, key) -> {
            Optional<CacheEntry> entry = cache.get(key);
            if (entry.isPresent()) {
              writer.write(target, entry.get());
              return;
            }
            String reason = outcome.failureReasons().get(key);
            if (reason != null) {
              writer.writeFailure(target, reason);
            } else {
              skipped[0]++; // left unsent by an aborted run
            }
          });
      files = writer.finish();
    }
    RunSummary summary = plan.summary(outcome, skipped[0]);
    writeManifest(summary, files);
    return summary;
  }

  private void writeManifest(RunSummary summary, List<OutputFile> files) throws IOException {
    ManifestWriter.write(
        request.outputDirectory(),
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
            files));
  }
}
