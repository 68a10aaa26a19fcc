package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.CacheSnapshot;
import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.chat.Target;
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
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes the dataset files and {@code report.html} in corpus order, each reflection passed through
 * the quality filters (and, when asked, the cache snapshot a release carries), then the dataset
 * card, then the manifest (written last: its presence marks a complete dataset). Either alongside
 * the first pass ({@link #start}, fed target by target, then {@link #finish}ed or discarded), or
 * as a pass of its own from the cache alone ({@link #write}); both give the same bytes.
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

  /** The files being written, and the filters that decide what goes into them. */
  private record Sinks(
      DatasetWriter writer, ReportWriter report, CacheSnapshot snapshot, QualityFilter filter) {

    /** Sends one reflected target everywhere it goes. */
    void reflected(Target target, CacheEntry entry) throws IOException {
      Exclusion exclusion = filter.check(target, entry.reflection());
      writer.write(target, entry, exclusion);
      report.reflected(target, entry, exclusion);
      if (snapshot != null) {
        snapshot.add(entry);
      }
    }

    /** Closes whatever is still open; without a finish first, the partial files go. */
    void close() throws IOException {
      try (DatasetWriter w = writer;
          ReportWriter r = report;
          CacheSnapshot s = snapshot) {
        // closing without finishing removes the partial files
      }
    }
  }

  /** Starts every output (removing the previous build's dataset and its evaluation). */
  private Sinks open() throws IOException {
    // An evaluation judged the previous dataset; reflect:evaluate writes a new one.
    Files.deleteIfExists(request.outputDirectory().resolve(EVALUATION_FILE));
    DatasetWriter writer =
        DatasetWriter.open(request.outputDirectory(), options().formats(), request.sft());
    ReportWriter report = null;
    try {
      report =
          ReportWriter.open(
              request.outputDirectory(), ReportWriter.DEFAULT_MAX_TARGETS, request.sft());
      Path directory = options().cacheSnapshotDirectory();
      CacheSnapshot snapshot = directory == null ? null : CacheSnapshot.create(directory);
      return new Sinks(writer, report, snapshot, new QualityFilter(request.filters()));
    } catch (IOException | RuntimeException e) {
      try (DatasetWriter w = writer;
          ReportWriter r = report) {
        throw e;
      }
    }
  }

  /**
   * A dataset being written alongside the first pass; see {@link #finish}. The pass that feeds it
   * parses, renders, hashes and looks up; filtering, turning records into JSON, hashing and
   * writing them is about as much work again, so it runs on a thread of its own, in the order it
   * was fed, with a bounded queue between the two (memory stays flat). One thread, in corpus
   * order, because the duplicate filter remembers every pair before it: the first copy is kept,
   * exactly as in the write pass.
   */
  final class Pending {
    private static final int QUEUED = 1024;

    private final Sinks sinks;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUED);
    private final Thread thread;
    private volatile IOException failure;
    // Written by the writer thread only; read after it has been joined.
    private Usage datasetUsage = Usage.NONE;

    private Pending(Sinks sinks) {
      this.sinks = sinks;
      this.thread = new Thread(this::drain, "reflect-dataset-writer");
      thread.setDaemon(true);
      thread.start();
    }

    void write(Target target, CacheEntry entry) throws IOException {
      rethrow();
      put(new Item(target, entry));
    }

    /** Throws the partial files away: this dataset will not be the build's. */
    void discard() throws IOException {
      stop();
      sinks.close();
    }

    private List<OutputFile> finish() throws IOException {
      stop();
      rethrow();
      List<OutputFile> files = new ArrayList<>(sinks.writer().finish());
      if (sinks.snapshot() != null) {
        sinks.snapshot().finish();
      }
      return files;
    }

    private void stop() throws IOException {
      put(Item.END);
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true; // the writer is about to stop; wait for it, it holds open files
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    private void put(Item item) throws IOException {
      try {
        queue.put(item);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing the dataset");
      }
    }

    private void rethrow() throws IOException {
      if (failure != null) {
        throw new IOException("writing the dataset failed: " + failure.getMessage(), failure);
      }
    }

    private void drain() {
      while (true) {
        Item item;
        try {
          item = queue.take();
        } catch (InterruptedException e) {
          continue; // only END stops the writer
        }
        if (item == Item.END) {
          return;
        }
        if (failure == null) {
          try {
            sinks.reflected(item.target(), item.entry());
            datasetUsage = datasetUsage.plus(item.entry().usage());
          } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
          }
        }
      }
    }
  }

  private record Item(Target target, CacheEntry entry) {
    static final Item END = new Item(null, null);
  }

  /** Starts writing a dataset (removing the previous build's). */
  Pending start() throws IOException {
    Sinks sinks = open();
    try {
      return new Pending(sinks);
    } catch (RuntimeException e) {
      sinks.close();
      throw e;
    }
  }

  /** Puts the files of {@code dataset} in place and writes the report, card and manifest. */
  RunSummary finish(Pending dataset, RunSummary summary) throws IOException {
    try {
      List<OutputFile> files = dataset.finish();
      RunSummary withUsage = summary.withDatasetUsage(dataset.datasetUsage);
      complete(withUsage, dataset.sinks, files);
      return withUsage;
    } finally {
      dataset.sinks.close();
    }
  }

  private DatasetOptions options() {
    return request.dataset();
  }

  /** The write pass: the dataset from the cache alone. Returns the run's summary. */
  RunSummary write(
      ReflectPipeline.Corpus corpus, ReflectPipeline.Plan plan, Reflector.Outcome outcome)
      throws IOException {
    // Counted per target as written, not per reply: one reply serves every copy of a
    // conversation that appears in two files, and each copy is a target of its own.
    long[] written = {0};
    long[] paid = {0};
    long[] failed = {0};
    long[] skipped = {0};
    // What the dataset's reflections cost when they were made, filtered ones included: they
    // were paid for all the same.
    Usage[] datasetUsage = {Usage.NONE};
    Sinks sinks = open();
    try {
      corpus.forEachTarget(
          ReflectPipeline.ALREADY_REPORTED,
          (target, chatRequest, key) -> {
            Optional<CacheEntry> entry = cache.get(key);
            if (entry.isPresent()) {
              sinks.reflected(target, entry.get());
              datasetUsage[0] = datasetUsage[0].plus(entry.get().usage());
              written[0]++;
              if (outcome.paidFor().test(key)) {
                paid[0]++;
              }
              return;
            }
            String reason = outcome.failureReasons().get(key);
            if (reason != null) {
              sinks.writer().writeFailure(target, reason);
              sinks.report().failed(target, reason);
              failed[0]++;
            } else {
              skipped[0]++; // left unsent by an aborted, cancelled or budget-stopped run
            }
          });
      List<OutputFile> files = new ArrayList<>(sinks.writer().finish());
      if (sinks.snapshot() != null) {
        sinks.snapshot().finish();
      }
      RunSummary summary =
          // What this run did not pay for was cached: before it started, or stored meanwhile by
          // another build sharing the cache.
          plan.summary(outcome, written[0] - paid[0], paid[0], failed[0], skipped[0])
              .withDatasetUsage(datasetUsage[0]);
      complete(summary, sinks, files);
      return summary;
    } finally {
      sinks.close();
    }
  }

  /** Writes the report, then the card, then the manifest that lists them all. */
  private void complete(RunSummary summary, Sinks sinks, List<OutputFile> files)
      throws IOException {
    List<SourceFile> sources = sources();
    files.add(sinks.report().finish(manifest(summary, sinks.filter(), files, sources)));
    Manifest manifest = manifest(summary, sinks.filter(), files, sources);
    DatasetCardWriter.write(request.outputDirectory(), manifest, options().card());
    ManifestWriter.write(request.outputDirectory(), manifest);
  }

  private Manifest manifest(
      RunSummary summary, QualityFilter filter, List<OutputFile> files, List<SourceFile> sources) {
    return new Manifest(
        request.generatorVersion(),
        new Manifest.Template(
            request.template().id(),
            request.template().fingerprint(),
            request.window(),
            request.template().maxPromptTokens()),
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
        summary.datasetUsage(),
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
