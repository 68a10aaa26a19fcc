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
import io.github.selfreflect.reflect.llm.Usage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes the dataset files in corpus order (and, when asked, the cache snapshot a release
 * carries), then the dataset card, then the manifest (written last: its presence marks a complete
 * dataset). Either alongside the first pass ({@link #start}, fed target by target, then {@link
 * #finish}ed or discarded), or as a pass of its own from the cache alone ({@link #write}).
 */
final class DatasetOutput {

  private final ReflectRequest request;
  private final ReflectionCache cache;

  DatasetOutput(ReflectRequest request, ReflectionCache cache) {
    this.request = request;
    this.cache = cache;
  }

  /**
   * A dataset being written alongside the first pass; see {@link #finish}. The pass that feeds it
   * parses, renders, hashes and looks up; turning records into JSON, hashing and writing them is
   * about as much work again, so it runs on a thread of its own, in the order it was fed, with a
   * bounded queue between the two (memory stays flat).
   */
  final class Pending {
    private static final int QUEUED = 1024;

    private final DatasetWriter writer;
    private final CacheSnapshot snapshot; // null when no snapshot was asked for
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUED);
    private final Thread thread;
    private volatile IOException failure;
    // Written by the writer thread only; read after it has been joined.
    private Usage datasetUsage = Usage.NONE;

    private Pending(DatasetWriter writer, CacheSnapshot snapshot) {
      this.writer = writer;
      this.snapshot = snapshot;
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
      try (DatasetWriter w = writer;
          CacheSnapshot s = snapshot) {
        // closing without finishing removes the partial files
      }
    }

    private List<OutputFile> finish() throws IOException {
      stop();
      rethrow();
      List<OutputFile> files = writer.finish();
      if (snapshot != null) {
        snapshot.finish();
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
            writer.write(item.target(), item.entry());
            datasetUsage = datasetUsage.plus(item.entry().usage());
            if (snapshot != null) {
              snapshot.add(item.entry());
            }
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
    DatasetWriter writer = DatasetWriter.open(request.outputDirectory(), options().formats());
    try {
      return new Pending(writer, openSnapshot());
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  /** Puts the files of {@code dataset} in place and writes the card and the manifest. */
  RunSummary finish(Pending dataset, RunSummary summary) throws IOException {
    List<OutputFile> files;
    try (DatasetWriter writer = dataset.writer;
        CacheSnapshot snapshot = dataset.snapshot) {
      files = dataset.finish();
    }
    RunSummary withUsage = summary.withDatasetUsage(dataset.datasetUsage);
    writeCardAndManifest(withUsage, files);
    return withUsage;
  }

  private DatasetOptions options() {
    return request.dataset();
  }

  private CacheSnapshot openSnapshot() throws IOException {
    Path directory = options().cacheSnapshotDirectory();
    return directory == null ? null : CacheSnapshot.create(directory);
  }

  /** The write pass: the dataset from the cache alone. Returns the run's summary. */
  RunSummary write(
      ReflectPipeline.Corpus corpus, ReflectPipeline.Plan plan, Reflector.Outcome outcome)
      throws IOException {
    // Counted per target as written, not per reply: one reply serves every copy of a
    // conversation that appears in two files, and each copy is a target of its own.
    long[] written = {0};
    long[] failed = {0};
    long[] skipped = {0};
    Usage[] datasetUsage = {Usage.NONE};
    List<OutputFile> files;
    try (DatasetWriter writer = DatasetWriter.open(request.outputDirectory(), options().formats());
        CacheSnapshot snapshot = openSnapshot()) {
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
              skipped[0]++; // left unsent by an aborted, cancelled or budget-stopped run
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
    writeCardAndManifest(summary, files);
    return summary;
  }

  private void writeCardAndManifest(RunSummary summary, List<OutputFile> files)
      throws IOException {
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
            summary.datasetUsage(),
            request.limits().pricing());
    DatasetCardWriter.write(request.outputDirectory(), manifest, options().card());
    ManifestWriter.write(request.outputDirectory(), manifest);
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
