package io.github.selfreflect.reflect.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.selfreflect.reflect.dataset.AtomicFiles;
import io.github.selfreflect.reflect.dataset.OutputFile;
import io.github.selfreflect.reflect.dataset.SourceFile;
import io.github.selfreflect.reflect.llm.Usage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;

/**
 * What the last complete build of an output directory was made from and what it wrote, kept next
 * to that directory as {@code <name>.build-state.json} (e.g. {@code target/reflect.build-state.json}
 * for {@code target/reflect}). {@link UpToDateCheck} compares it with the present state to skip a
 * build whose dataset would come out the same.
 *
 * <p>Not inside the dataset folder: that folder is what people upload (a Hugging Face dataset
 * folder as it is), and this record holds local paths and times that have no place in a dataset.
 *
 * <p>Inputs are described by content where it is cheap to be sure (the chat files' SHA-256, as
 * in the manifest), and by size and modification time where content would cost as much as the
 * build (the cache, often larger than the chats; the outputs, several times larger): a file that
 * is rewritten or touched counts as changed, which can only cause a needless rebuild, never a
 * stale dataset. Nothing private is kept: no keys, and no settings beyond those of the recipe.
 *
 * @param formatVersion the layout of this file; a state of another layout is ignored
 * @param generatorCode the size and time of the code that wrote the dataset (see {@link
 *     #generatorCode()}), so that a rebuilt snapshot of Reflect does not reuse its own old output
 * @param recipe the settings that decide the dataset ({@link BuildRecipe})
 * @param cache the cache file the reflections came from, as it was when the build ended
 * @param sources the chat files, as the manifest lists them
 * @param datasetFiles the data files as the manifest listed them when the build ended (see
 *     {@link UpToDateCheck#capture} for which)
 * @param outputs the data files and the cache snapshot, stamped
 * @param present the files that must still exist, though {@code reflect:evaluate} may have
 *     rewritten them since (the manifest, the card, the report)
 * @param summary the counts to report when the dataset is found up to date
 */
record BuildState(
    int formatVersion,
    String generatorCode,
    JsonNode recipe,
    FileStamp cache,
    List<SourceFile> sources,
    List<OutputFile> datasetFiles,
    List<FileStamp> outputs,
    List<String> present,
    Summary summary) {

  static final String SUFFIX = ".build-state.json";

  static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  BuildState {
    sources = List.copyOf(sources);
    datasetFiles = List.copyOf(datasetFiles);
    outputs = List.copyOf(outputs);
    present = List.copyOf(present);
  }

  /**
   * A file as seen by {@code stat}: its absolute path, size and modification time in milliseconds
   * ({@code bytes} is -1 when the file does not exist).
   */
  record FileStamp(String path, long bytes, long modified) {

    static FileStamp of(Path file) throws IOException {
      Path absolute = file.toAbsolutePath().normalize();
      try {
        BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
        return new FileStamp(
            absolute.toString(), attributes.size(), attributes.lastModifiedTime().toMillis());
      } catch (NoSuchFileException e) {
        return new FileStamp(absolute.toString(), -1, 0);
      }
    }

    /** Whether the file is still as stamped. */
    boolean unchanged() throws IOException {
      return equals(of(Path.of(path)));
    }
  }

  /** The counts of the recorded build that a later, skipped build reports as its own. */
  record Summary(
      long conversations,
      long targets,
      long cached,
      long skipped,
      long invalidRecords,
      long tooLong,
      Usage datasetUsage) {

    static Summary of(RunSummary run) {
      return new Summary(
          run.conversations(),
          run.targets(),
          run.cached() + run.reflected(),
          run.skipped(),
          run.invalidRecords(),
          run.tooLong(),
          run.datasetUsage());
    }

    /** What a build that found this dataset up to date did: read, compared, sent nothing. */
    RunSummary asUpToDateRun() {
      return new RunSummary(
          conversations, targets, cached, 0, 0, skipped, invalidRecords, 0, Usage.NONE, List.of(),
          List.of(), 0, 0, datasetUsage, tooLong, true);
    }
  }

  /** The state recorded in {@code outputDirectory}, if there is one this version can read. */
  static Optional<BuildState> read(Path outputDirectory) {
    Path file = file(outputDirectory);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      BuildState state = MAPPER.readValue(file.toFile(), BuildState.class);
      return state.formatVersion() == FORMAT_VERSION ? Optional.of(state) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      // Unreadable (hand-edited, or from another version): the build runs, and records anew.
      return Optional.empty();
    }
  }

  /** Writes this state into {@code outputDirectory}, through a partial file and a rename. */
  void write(Path outputDirectory) throws IOException {
    Path file = file(outputDirectory);
    Path partial = AtomicFiles.partialOf(file);
    try {
      Files.write(partial, MAPPER.writeValueAsBytes(this));
    } catch (JsonProcessingException e) {
      throw new IOException("cannot write " + file + ": " + e.getOriginalMessage(), e);
    }
    try {
      AtomicFiles.moveIntoPlace(partial, file);
    } catch (IOException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
  }

  /**
   * Removes the record of the last build, before a build that rewrites the dataset: should this
   * one fail half-way, no record may vouch for the files it left.
   */
  static void clear(Path outputDirectory) throws IOException {
    Files.deleteIfExists(file(outputDirectory));
  }

  /** Where the state of {@code outputDirectory} is kept: beside it, named after it. */
  static Path file(Path outputDirectory) {
    Path absolute = outputDirectory.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + SUFFIX);
  }

  /**
   * Where Reflect's own code comes from, with its size and time: a jar in a Maven repository (a
   * release never changes; a snapshot does when it is rebuilt), or a classes folder in a
   * development build, which is named without a stamp.
   */
  static String currentGeneratorCode() {
    CodeSource source = BuildState.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return "unknown";
    }
    try {
      Path location = Path.of(source.getLocation().toURI());
      if (Files.isRegularFile(location)) {
        FileStamp stamp = FileStamp.of(location);
        return stamp.path() + " " + stamp.bytes() + " " + stamp.modified();
      }
      return location.toString();
    } catch (URISyntaxException | IOException | RuntimeException e) {
      return source.getLocation().toString();
    }
  }
}
