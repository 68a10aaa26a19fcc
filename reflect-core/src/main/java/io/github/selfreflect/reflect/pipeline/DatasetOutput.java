package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.dataset.DatasetWriter;
import io.github.selfreflect.reflect.dataset.Manifest;
import io.github.selfreflect.reflect.dataset.ManifestWriter;
import io.github.selfreflect.reflect.dataset.OutputFile;
import io.github.selfreflect.reflect.filter.QualityFilter;
import java.io.IOException;
import java.util.List;

/**
 * The write pass: the dataset files in corpus order, from the cache alone, then the manifest
 * (written last: its presence marks a complete dataset).
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
    long[] skipped = {0};
    QualityFilter filter = new QualityFilter(request.filters());
    List<OutputFile> files;
    try (DatasetWriter writer = DatasetWriter.open(request.outputDirectory())) {
      corpus.forEachTarget(
          ReflectPipeline.ALREADY_REPORTED,
          (target, chatRequest, key) -> {
            var entry = cache.get(key);
            if (entry.isPresent()) {
              writer.write(target, entry.get(), filter.check(target, entry.get().reflection()));
              return;
            }
            String reason = outcome.failureReasons().get(key);
            if (reason != null) {
              writer.writeFailure(target, reason);
            } else {
              skipped[0]++; // missing in partial offline mode, or left unsent by an aborted run
            }
          });
      files = writer.finish();
    }
    RunSummary summary = plan.summary(outcome, skipped[0]);
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
            new Manifest.Filters(filter.settings(), filter.counts()),
            files));
    return summary;
  }
}
