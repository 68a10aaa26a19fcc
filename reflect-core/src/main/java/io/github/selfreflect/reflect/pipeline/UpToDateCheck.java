package io.github.selfreflect.reflect.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.chat.format.ChatFiles;
import io.github.selfreflect.reflect.dataset.DatasetCardWriter;
import io.github.selfreflect.reflect.dataset.ManifestReader;
import io.github.selfreflect.reflect.dataset.ManifestWriter;
import io.github.selfreflect.reflect.dataset.OutputFile;
import io.github.selfreflect.reflect.dataset.SourceFile;
import io.github.selfreflect.reflect.report.ReportWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decides whether the dataset in the output directory is what a build would write again, as
 * Maven's compiler skips sources whose classes are newer: a second {@code mvn verify} with
 * nothing changed must not spend minutes rewriting gigabytes of identical files.
 *
 * <p>The dataset is up to date when the last build of the directory was complete (no failed and
 * no missing targets; an incomplete build records nothing) and, since then, Reflect's code, the
 * {@link BuildRecipe recipe}, the cache file, the files that build wrote, and the chat files (by
 * SHA-256) are all unchanged. Reading the chat files once is the whole cost of a check that
 * passes; the comparisons run cheapest first, so one that fails usually fails in milliseconds.
 */
final class UpToDateCheck {

  /** The outcome: up to date with the recorded state, or stale for a reason the log gives. */
  record Verdict(Optional<BuildState> upToDate, String staleBecause) {

    static Verdict stale(String because) {
      return new Verdict(Optional.empty(), because);
    }
  }

  private UpToDateCheck() {}

  static Verdict check(ReflectRequest request) throws IOException {
    Optional<BuildState> recorded = BuildState.read(request.outputDirectory());
    if (recorded.isEmpty()) {
      return Verdict.stale("no complete build of " + request.outputDirectory() + " is recorded");
    }
    BuildState state = recorded.get();
    if (!state.generatorCode().equals(BuildState.currentGeneratorCode())) {
      return Verdict.stale("Reflect itself changed since the last build");
    }
    JsonNode recipe = BuildRecipe.of(request);
    if (!recipe.equals(state.recipe())) {
      return Verdict.stale(
          "settings changed since the last build: " + BuildRecipe.differences(state.recipe(), recipe));
    }
    if (!state.cache().unchanged() || !newerCacheFormats(request.cacheDirectory()).isEmpty()) {
      return Verdict.stale("the cache changed since the last build");
    }
    for (BuildState.FileStamp output : state.outputs()) {
      if (!output.unchanged()) {
        return Verdict.stale(output.path() + " changed or went missing since the last build");
      }
    }
    Path out = request.outputDirectory();
    for (String name : state.present()) {
      if (!Files.isRegularFile(out.resolve(name))) {
        return Verdict.stale(out.resolve(name) + " went missing since the last build");
      }
    }
    List<OutputFile> listed;
    try {
      listed = ManifestReader.files(out);
    } catch (IOException e) {
      return Verdict.stale(e.getMessage());
    }
    if (!listed.containsAll(state.datasetFiles())) {
      return Verdict.stale(
          out.resolve(ManifestWriter.FILE_NAME) + " no longer lists the files the last build wrote");
    }
    Optional<String> changedSource = changedSource(request.chatsDirectory(), state.sources());
    if (changedSource.isPresent()) {
      return Verdict.stale(changedSource.get());
    }
    return new Verdict(recorded, null);
  }

  /**
   * The state to record after a complete build: what it was made from and what it wrote. The
   * chat files are taken from the manifest the build has just written (it hashed them); the cache
   * and the data files are stamped now.
   *
   * <p>{@code reflect:evaluate} adds {@code evaluation.json} to a dataset and rewrites the
   * manifest, the card and the report to carry its figures; that keeps the dataset the same
   * dataset. So those three are only required to exist, and the manifest to still list the data
   * files as they were; the data files themselves, which nothing but a build writes, are stamped.
   */
  static BuildState capture(ReflectRequest request, RunSummary summary) throws IOException {
    Path out = request.outputDirectory();
    List<OutputFile> datasetFiles = new ArrayList<>();
    List<BuildState.FileStamp> outputs = new ArrayList<>();
    for (OutputFile file : ManifestReader.files(out)) {
      if (!REWRITTEN_BY_EVALUATE.contains(file.name())) {
        datasetFiles.add(file);
        outputs.add(BuildState.FileStamp.of(out.resolve(file.name())));
      }
    }
    Path snapshot = request.dataset().cacheSnapshotDirectory();
    if (snapshot != null) {
      outputs.add(
          BuildState.FileStamp.of(
              snapshot
                  .resolve("v" + JsonlReflectionCache.FORMAT_VERSION)
                  .resolve(JsonlReflectionCache.FILE_NAME)));
    }
    List<String> present = new ArrayList<>();
    present.add(ManifestWriter.FILE_NAME);
    for (String name : List.of(DatasetCardWriter.FILE_NAME, ReportWriter.FILE_NAME)) {
      if (Files.isRegularFile(out.resolve(name))) {
        present.add(name);
      }
    }
    return new BuildState(
        BuildState.FORMAT_VERSION,
        BuildState.currentGeneratorCode(),
        BuildRecipe.of(request),
        cacheStamp(request.cacheDirectory()),
        ManifestReader.sources(out),
        datasetFiles,
        outputs,
        present,
        BuildState.Summary.of(summary));
  }

  /** The files {@code reflect:evaluate} rewrites or adds; see {@link #capture}. */
  private static final Set<String> REWRITTEN_BY_EVALUATE =
      Set.of(
          ManifestWriter.FILE_NAME,
          DatasetCardWriter.FILE_NAME,
          ReportWriter.FILE_NAME,
          DatasetOutput.EVALUATION_FILE);

  static BuildState.FileStamp cacheStamp(Path cacheDirectory) throws IOException {
    return BuildState.FileStamp.of(
        cacheDirectory
            .resolve("v" + JsonlReflectionCache.FORMAT_VERSION)
            .resolve(JsonlReflectionCache.FILE_NAME));
  }

  /**
   * Format folders newer than this version's: the build must run, to fail saying so, rather than
   * serve a dataset made before a newer Reflect migrated the cache.
   */
  private static List<String> newerCacheFormats(Path cacheDirectory) throws IOException {
    List<String> newer = new ArrayList<>();
    if (!Files.isDirectory(cacheDirectory)) {
      return newer;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(cacheDirectory, Files::isDirectory)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.matches("v[0-9]{1,9}")
            && Integer.parseInt(name.substring(1)) > JsonlReflectionCache.FORMAT_VERSION) {
          newer.add(name);
        }
      }
    }
    return newer;
  }

  /**
   * Why the chat files differ from the recorded ones, if they do: names and sizes first (no
   * reading), then the SHA-256 of each, on as many threads as there are cores.
   */
  private static Optional<String> changedSource(Path chats, List<SourceFile> recorded)
      throws IOException {
    Map<String, Path> files = new TreeMap<>();
    for (Path file : ChatFiles.list(chats)) {
      files.put(ChatFiles.relativeName(chats, file), file);
    }
    Map<String, SourceFile> before = new TreeMap<>();
    recorded.forEach(source -> before.put(source.name(), source));
    if (!files.keySet().equals(before.keySet())) {
      return Optional.of("chat files were added, removed or renamed since the last build");
    }
    for (Map.Entry<String, Path> file : files.entrySet()) {
      if (Files.size(file.getValue()) != before.get(file.getKey()).bytes()) {
        return Optional.of(file.getKey() + " changed since the last build");
      }
    }
    int threads = Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, UpToDateCheck::daemon);
    try {
      List<Future<SourceFile>> digests = new ArrayList<>();
      files.forEach((name, file) -> digests.add(pool.submit(() -> SourceFile.of(name, file))));
      for (Future<SourceFile> digest : digests) {
        SourceFile now = digest.get();
        if (!now.equals(before.get(now.name()))) {
          return Optional.of(now.name() + " changed since the last build");
        }
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while comparing the chat files");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "reflect-up-to-date");
    thread.setDaemon(true);
    return thread;
  }
}
