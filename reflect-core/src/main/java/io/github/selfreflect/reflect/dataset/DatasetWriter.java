package io.github.selfreflect.reflect.dataset;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.filter.Exclusion;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the training data of one build into an output directory, one compact JSON object per
 * line, UTF-8, {@code \n} line ends:
 *
 * <ul>
 *   <li>{@value #SFT}: {@code {"messages":[...history, user K, assistant answer]}}: the new
 *       answer of every {@link Verdict#REVISE} target, and, with {@link SftSelection#ALL}, the
 *       original answer of every {@link Verdict#KEEP} target (a good logged answer is good
 *       training data too); with {@link SftSelection#REVISED} kept targets are left out.
 *       Every assistant message has OpenAI's {@code weight}: 0 in the history (the log's answers
 *       are context, and some are the very answers reflection found wanting), 1 on the answer.
 *       Readable as it is by OpenAI fine-tuning and TRL (conversational SFT).
 *   <li>{@value #PREFERENCE}: {@code {"prompt":[...history, user K], "chosen":[new answer],
 *       "rejected":[original answer]}} for {@code REVISE} targets only: TRL's conversational
 *       preference format (DPO and friends).
 *   <li>{@value #REFLECTIONS}: one full record per target ({@code source, conversation, turn,
 *       question, original, critique, answer, verdict, evidence, model, template, key, filter},
 *       every key in every row), for people, reports and audits; {@code evidence} is {@code []}
 *       when the reply named no turns, {@code filter} is null, or {@code {reason, detail}} for a
 *       target a quality filter left out of the two files above.
 *   <li>{@value #FAILURES}: {@code {source, conversation, turn, reason}} per target that has no
 *       reflection. Always written, empty when nothing failed, so that every build yields the
 *       same set of files and the manifest's file list does not depend on luck.
 * </ul>
 *
 * <p>History messages keep their OpenAI shape (role, content, and name / tool_calls /
 * tool_call_id where present, then the weight of an assistant message in {@value #SFT}); system
 * messages are included.
 *
 * <p><b>Reproducible.</b> The writer adds nothing of its own (no timestamps, no ids); the caller
 * must call {@link #write} and {@link #writeFailure} in a deterministic order (file, conversation,
 * turn). Same calls, same bytes.
 *
 * <p><b>Crash-safe.</b> Every file is written under a hidden partial name ({@code .sft.jsonl.partial})
 * and renamed into place by {@link #finish} after being forced to disk. Opening the writer first
 * removes the previous build's files and {@code manifest.json} from the directory, so after a
 * killed build the directory holds no dataset rather than an old one mixed with a new one. {@link
 * #close} without {@link #finish} (an exception on the way) deletes the partial files. A build
 * killed outright may leave partial files behind (the next build overwrites them); consumers and
 * packagers should take the files the manifest lists, not whatever the directory holds.
 *
 * <p>Not thread-safe: it is fed by one thread, in order.
 */
public final class DatasetWriter implements Closeable {

  public static final String SFT = "sft.jsonl";
  public static final String PREFERENCE = "preference.jsonl";
  public static final String REFLECTIONS = "reflections.jsonl";
  public static final String FAILURES = "failures.jsonl";

  /** Every file this writer can produce (the chosen formats and failures), in name order. */
  public static final List<String> FILE_NAMES = List.of(FAILURES, PREFERENCE, REFLECTIONS, SFT);

  /** The sinks being written, in name order; formats not chosen have none. */
  private final List<HashingFileSink> sinks;
  /** Null when the format was not chosen: its records are dropped. */
  private final HashingFileSink sft;
  private final HashingFileSink preference;
  private final HashingFileSink reflections;
  private final HashingFileSink failures;
  private final SftSelection sftSelection;
  private final RecordPieces pieces = new RecordPieces();
  private boolean finished;
  private boolean closed;

  private DatasetWriter(List<HashingFileSink> sinks, SftSelection sftSelection) {
    this.sinks = sinks;
    this.sftSelection = sftSelection;
    this.failures = sink(sinks, FAILURES);
    this.preference = sink(sinks, PREFERENCE);
    this.reflections = sink(sinks, REFLECTIONS);
    this.sft = sink(sinks, SFT);
  }

  private static HashingFileSink sink(List<HashingFileSink> sinks, String name) {
    return sinks.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** Starts a dataset of every format in {@code directory}; see {@link #open(Path, Set)}. */
  public static DatasetWriter open(Path directory) throws IOException {
    return open(directory, DatasetFormat.all());
  }

  /**
   * Starts a dataset in {@code directory} (created if missing), removing the files of an earlier
   * build there ({@link #FILE_NAMES}, {@code manifest.json} and the dataset card), whichever
   * formats that build chose; other files are left alone.
   *
   * @param formats the training-data files to write; {@value #FAILURES} is always written
   */
  public static DatasetWriter open(Path directory, Set<DatasetFormat> formats) throws IOException {
    return open(directory, formats, SftSelection.ALL);
  }

  /**
   * As {@link #open(Path, Set)}, choosing which targets go into {@value #SFT}.
   *
   * @param sftSelection whether kept originals are SFT data ({@link SftSelection#ALL}) or only
   *     revised answers are ({@link SftSelection#REVISED})
   */
  public static DatasetWriter open(
      Path directory, Set<DatasetFormat> formats, SftSelection sftSelection) throws IOException {
    Objects.requireNonNull(sftSelection, "sftSelection");
    Files.createDirectories(directory);
    Files.deleteIfExists(directory.resolve(ManifestWriter.FILE_NAME));
    Files.deleteIfExists(directory.resolve(DatasetCardWriter.FILE_NAME));
    for (String name : FILE_NAMES) {
      Files.deleteIfExists(directory.resolve(name));
    }
    Set<String> chosen = new HashSet<>();
    chosen.add(FAILURES);
    for (DatasetFormat format : formats) {
      chosen.add(format.fileName());
    }
    List<HashingFileSink> sinks = new ArrayList<>(FILE_NAMES.size());
    try {
      for (String name : FILE_NAMES) {
        if (chosen.contains(name)) {
          sinks.add(HashingFileSink.create(directory, name));
        }
      }
    } catch (IOException | RuntimeException e) {
      abortAll(sinks, e);
      throw e;
    }
    return new DatasetWriter(List.copyOf(sinks), sftSelection);
  }

  /** Writes the records of one reflected target that no filter left out. */
  public void write(Target target, CacheEntry entry) throws IOException {
    write(target, entry, null);
  }

  /**
   * Writes the records of one reflected target. An excluded target (a quality filter fired) is
   * written to {@value #REFLECTIONS} only, with its reason, and stays out of the training files.
   *
   * @param exclusion why the target is left out of the training files, or null
   */
  public void write(Target target, CacheEntry entry, Exclusion exclusion) throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(entry, "entry");
    ensureWritable();
    // Each text is serialised once and shared by the records that hold it.
    byte[] newAnswer = pieces.literal(entry.reflection().answer());
    if (exclusion != null) {
      if (reflections != null) {
        reflections.writeLine(DatasetJson.reflection(target, entry, exclusion, newAnswer, pieces));
      }
      return;
    }
    boolean revise = entry.reflection().verdict() == Verdict.REVISE;
    boolean toSft = sft != null && (revise || sftSelection == SftSelection.ALL);
    boolean toPreference = revise && preference != null;
    if (toSft) {
      byte[] answer = revise ? newAnswer : pieces.content(target.conversation(), target.index());
      sft.writeLine(DatasetJson.sft(target, answer, pieces));
    }
    if (toPreference) {
      byte[] original = pieces.originalAnswer(target.conversation(), target.index());
      preference.writeLine(
          DatasetJson.preference(target, pieces.assistant(newAnswer), original, pieces));
    }
    if (reflections != null) {
      reflections.writeLine(DatasetJson.reflection(target, entry, null, newAnswer, pieces));
    }
  }

  /** Records a target that has no reflection (the model failed, or the cache lacked it offline). */
  public void writeFailure(Target target, String reason) throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
    ensureWritable();
    failures.writeLine(DatasetJson.failure(target, reason));
  }

  /**
   * Puts every file in place and describes them, in name order (only the chosen formats); the writer is then closed.
   * Call {@link ManifestWriter} afterwards: the manifest, written last, marks a complete dataset.
   */
  public List<OutputFile> finish() throws IOException {
    ensureWritable();
    finished = true;
    List<OutputFile> files = new ArrayList<>(sinks.size());
    for (HashingFileSink sink : sinks) {
      files.add(sink.commit());
    }
    AtomicFiles.syncDirectory(failures.directory());
    closed = true;
    return List.copyOf(files);
  }

  /** Without {@link #finish}: deletes the partial files, leaving no dataset. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = abortAll(sinks, null);
    if (failure != null) {
      throw failure;
    }
  }

  private void ensureWritable() {
    if (finished || closed) {
      throw new IllegalStateException(
          "the dataset writer is " + (finished ? "finished" : "closed"));
    }
  }

  /** Aborts every sink; returns the first IOException (others suppressed into it). */
  private static IOException abortAll(List<HashingFileSink> sinks, Throwable primary) {
    IOException first = null;
    for (HashingFileSink sink : sinks) {
      try {
        sink.abort();
      } catch (IOException e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    return first;
  }
}
