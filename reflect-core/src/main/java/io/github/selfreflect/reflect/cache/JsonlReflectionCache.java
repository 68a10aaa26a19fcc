package io.github.selfreflect.reflect.cache;

import io.github.selfreflect.reflect.cache.KeyIndex.Location;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reflection cache as one append-only JSON Lines file, {@code <cacheDir>/v1/reflections.jsonl}.
 *
 * <p><b>Why this shape.</b> Users commit the cache to git next to their chats, so it is plain
 * UTF-8 text, one record per line, fields in a fixed order and no timestamps: a new reflection is
 * a one-line diff. When it creates the format folder, the cache also writes a {@code
 * .gitattributes} there ({@value #GIT_ATTRIBUTES}): {@code eol=lf} keeps Windows checkouts from
 * rewriting the file, and {@code merge=union} lets two branches that both appended reflections
 * merge without a conflict (a key both added is then stored twice, and the first copy wins). The
 * format
 * version is the folder name ({@code v1}), so a future format can live beside this one and a
 * migration is a new folder, not an in-place rewrite. The line format is described in {@link
 * CacheRecordCodec}.
 *
 * <p><b>Durability.</b> {@link #put} appends one whole line with a single write and forces it to
 * the device before it returns: a build killed at any later moment keeps the entry. A build killed
 * during the write leaves at most one torn last line, which the next {@link #open} reports and
 * skips, and the next put starts on a fresh line. Every line carries a checksum of its own bytes;
 * a line that is not JSON, fails its checksum or lacks a field is reported once through the
 * warnings consumer (file and line number) and skipped. Nothing in the file is ever fatal, and no
 * bad line hides the lines around it. If the same key appears twice (after a union merge of two
 * branches that both reflected a turn), the first line wins; that is normal operation, not
 * damage, so it is counted ({@link #duplicateLines()}) rather than reported.
 *
 * <p><b>Memory.</b> Opening reads the file once and keeps only an index from key hash to (offset,
 * length), about 40 bytes per entry; {@link #get} reads and parses the one line it needs with a
 * positional read. A million entries cost tens of megabytes, not the size of the file.
 *
 * <p><b>Concurrency.</b> Safe for the threads of one process: puts are serialised, gets run in
 * parallel. Two processes writing the same cache at once are <em>not</em> coordinated yet (no file
 * lock; a separate issue). The file opens in append mode, so whole lines from both land intact,
 * but each process sees only the records that were there when it opened the cache plus its own,
 * may append a key the other has just added (harmless: the first copy wins on the next open), and
 * may fail to find its own record again if the other appended in between (the record is on disk
 * and found after a reopen; the miss is reported as a warning).
 */
public final class JsonlReflectionCache implements ReflectionCache {

  /** The format this class reads and writes; also the name of its folder, {@code v1}. */
  public static final int FORMAT_VERSION = 1;

  /** The file name inside the format folder. */
  public static final String FILE_NAME = "reflections.jsonl";

  /** What the cache writes to {@code .gitattributes} in a format folder it creates. */
  public static final String GIT_ATTRIBUTES = FILE_NAME + " text eol=lf merge=union";

  private static final Pattern FORMAT_FOLDER = Pattern.compile("v([1-9][0-9]{0,8})");

  /** Receives an entry of the cache; may throw to stop the iteration. */
  @FunctionalInterface
  public interface EntryVisitor {
    void visit(CacheEntry entry) throws IOException;
  }

  private final Path file;
  private final Consumer<String> warnings;
  private final KeyIndex index = new KeyIndex();
  private final Set<Long> reportedOffsets = new HashSet<>();
  private int droppedLines;
  private int duplicateLines;

  /** Null while the file does not exist. */
  private FileChannel reader;
  /** Null until the first put. */
  private FileChannel writer;
  /** True when the file's last byte is not a newline (a torn last line). */
  private boolean needsNewline;
  private boolean closed;

  private JsonlReflectionCache(Path file, Consumer<String> warnings) throws IOException {
    this.file = file;
    this.warnings = warnings;
    if (Files.exists(file)) {
      reader = FileChannel.open(file, StandardOpenOption.READ);
      try {
        load();
      } catch (IOException | RuntimeException e) {
        reader.close();
        throw e;
      }
    }
  }

  /**
   * Opens (without creating anything yet) the cache under {@code cacheDir}. Directories and the
   * file are created by the first {@link #put}, so a build that never asks a model leaves the
   * user's tree untouched.
   *
   * @param cacheDir the cache root, e.g. {@code src/main/reflect-cache}; its {@code v1} folder
   *     holds the records
   * @param warnings receives one message per damaged line, in the form {@code file:line: problem}
   * @throws UnsupportedCacheFormatException if {@code cacheDir} holds only a newer format folder
   */
  public static JsonlReflectionCache open(Path cacheDir, Consumer<String> warnings)
      throws IOException {
    Objects.requireNonNull(warnings, "warnings");
    Path folder = cacheDir.resolve("v" + FORMAT_VERSION);
    if (!Files.isDirectory(folder)) {
      refuseNewerFormat(cacheDir);
    }
    return new JsonlReflectionCache(folder.resolve(FILE_NAME), warnings);
  }

  private static void refuseNewerFormat(Path cacheDir) throws IOException {
    if (!Files.isDirectory(cacheDir)) {
      return;
    }
    int newest = 0;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(cacheDir, Files::isDirectory)) {
      for (Path child : children) {
        Matcher m = FORMAT_FOLDER.matcher(child.getFileName().toString());
        if (m.matches()) {
          newest = Math.max(newest, Integer.parseInt(m.group(1)));
        }
      }
    }
    if (newest > FORMAT_VERSION) {
      throw new UnsupportedCacheFormatException(
          "The reflection cache in "
              + cacheDir
              + " is in format v"
              + newest
              + ", written by a newer version of Reflect; this version reads and writes format v"
              + FORMAT_VERSION
              + " only. Upgrade Reflect, or point it at another cache directory. (Do not delete"
              + " the folder: its reflections were paid for.)");
    }
  }

  /** The records file: {@code <cacheDir>/v1/reflections.jsonl}. */
  public Path file() {
    return file;
  }

  /** How many lines {@link #open} reported and skipped: damaged, torn or not records at all. */
  public int droppedLines() {
    return droppedLines;
  }

  /**
   * How many lines {@link #open} skipped silently because an earlier line has the same key (a
   * hint that compaction would shrink the file).
   */
  public int duplicateLines() {
    return duplicateLines;
  }

  @Override
  public synchronized int size() {
    return index.size();
  }

  @Override
  public Optional<CacheEntry> get(String key) throws IOException {
    Objects.requireNonNull(key, "key");
    List<Location> candidates;
    synchronized (this) {
      ensureOpen();
      candidates = index.find(KeyIndex.hash(key));
    }
    return find(key, candidates);
  }

  @Override
  public synchronized void put(CacheEntry entry) throws IOException {
    ensureOpen();
    long hash = KeyIndex.hash(entry.key());
    if (find(entry.key(), index.find(hash)).isPresent()) {
      return;
    }
    byte[] line = CacheRecordCodec.encode(entry);
    openForWriting();
    if (needsNewline) {
      needsNewline = !endsWithNewline(); // after a failed put, maybe nothing was written
    }
    int lead = needsNewline ? 1 : 0;
    ByteBuffer buffer = ByteBuffer.allocate(lead + line.length + 1);
    if (needsNewline) {
      buffer.put((byte) '\n');
    }
    buffer.put(line).put((byte) '\n').flip();
    long start;
    try {
      start = writer.size() + lead;
      while (buffer.hasRemaining()) {
        writer.write(buffer);
      }
      writer.force(true);
    } catch (IOException e) {
      // Part of the line may be on disk: the next put checks, and starts on a line of its own.
      needsNewline = true;
      throw e;
    }
    needsNewline = false;
    index.add(hash, start, line.length);
  }

  /**
   * The first of {@code candidates} that holds {@code key}. FileChannel is interruptible: a
   * thread interrupted while reading closes the channel for every thread. The interrupted thread
   * gets its {@link ClosedByInterruptException}; the others reopen the channel and try once more,
   * so that one cancelled task cannot break the cache for the rest of the build.
   */
  private Optional<CacheEntry> find(String key, List<Location> candidates) throws IOException {
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    for (int attempt = 1; ; attempt++) {
      FileChannel channel = readChannel();
      try {
        for (Location location : candidates) {
          CacheEntry entry = readAt(channel, location);
          if (entry != null && entry.key().equals(key)) {
            return Optional.of(entry);
          }
        }
        return Optional.empty();
      } catch (AsynchronousCloseException e) {
        if (e instanceof ClosedByInterruptException || attempt > 1) {
          throw e;
        }
      }
    }
  }

  private boolean endsWithNewline() throws IOException {
    FileChannel channel = readChannel();
    long size = channel.size();
    if (size == 0) {
      return true;
    }
    ByteBuffer last = ByteBuffer.allocate(1);
    return channel.read(last, size - 1) == 1 && last.get(0) == '\n';
  }

  /** The read channel, reopened if an interrupted reader closed it. */
  private synchronized FileChannel readChannel() throws IOException {
    ensureOpen();
    if (reader != null && !reader.isOpen()) {
      reader = FileChannel.open(file, StandardOpenOption.READ);
    }
    return reader;
  }

  /**
   * Visits every entry {@link #get} would return, once each, in file order, reading the file
   * sequentially (entries are not held in memory). Meant for tools such as compaction; entries
   * put while the visit runs may or may not be visited.
   */
  public void forEachEntry(EntryVisitor visitor) throws IOException {
    FileChannel channel;
    long end;
    synchronized (this) {
      channel = readChannel();
      if (channel == null) {
        return;
      }
      end = channel.size();
    }
    LineScanner.scan(
        channel,
        end,
        (number, offset, bytes, length, terminated) -> {
          if (bytes == null || length == 0) {
            return;
          }
          CacheEntry entry;
          try {
            entry = CacheRecordCodec.decode(bytes, 0, length);
          } catch (InvalidCacheRecordException e) {
            return; // reported when the cache was opened
          }
          boolean indexed;
          synchronized (this) {
            indexed =
                index.find(KeyIndex.hash(entry.key())).stream()
                    .anyMatch(location -> location.offset() == offset);
          }
          if (indexed) {
            visitor.visit(entry);
          }
        });
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (FileChannel r = reader;
        FileChannel w = writer) {
      // closes both, even if one fails
    }
  }

  /** Builds the index in one pass, reporting lines that cannot be used. */
  private void load() throws IOException {
    boolean endsWithNewline =
        LineScanner.scan(
            reader,
            reader.size(),
            (number, offset, bytes, length, terminated) -> {
              if (bytes != null && length == 0) {
                return; // a blank line holds nothing to lose
              }
              String problem = index(offset, bytes, length);
              if (problem != null) {
                droppedLines++;
                String where = file + ":" + number + ": ";
                warnings.accept(
                    terminated
                        ? where + problem + "; line skipped"
                        : where
                            + "incomplete last line (a write was cut off, e.g. a killed build): "
                            + problem
                            + "; line skipped");
              }
            });
    needsNewline = !endsWithNewline;
  }

  /** Indexes one line; returns why it cannot be used, or null (also for a duplicate). */
  private String index(long offset, byte[] bytes, int length) throws IOException {
    if (bytes == null) {
      return "longer than " + (LineScanner.MAX_LINE_BYTES >> 20) + " MiB, not a cache record";
    }
    CacheEntry entry;
    try {
      entry = CacheRecordCodec.decode(bytes, 0, length);
    } catch (InvalidCacheRecordException e) {
      return e.getMessage();
    }
    long hash = KeyIndex.hash(entry.key());
    for (Location location : index.find(hash)) {
      CacheEntry earlier = readAt(reader, location);
      if (earlier != null && earlier.key().equals(entry.key())) {
        duplicateLines++;
        return null;
      }
    }
    index.add(hash, offset, length);
    return null;
  }

  /** The entry at {@code location}, or null (reported once) if it no longer reads back. */
  private CacheEntry readAt(FileChannel channel, Location location) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(location.length());
    try {
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, location.offset() + buffer.position()) < 0) {
          throw new EOFException();
        }
      }
      return CacheRecordCodec.decode(buffer.array(), 0, location.length());
    } catch (EOFException | InvalidCacheRecordException e) {
      boolean first;
      synchronized (reportedOffsets) {
        first = reportedOffsets.add(location.offset());
      }
      if (first) {
        warnings.accept(
            file
                + ": the record at byte "
                + location.offset()
                + " changed on disk while the cache was open ("
                + (e instanceof EOFException ? "file truncated" : e.getMessage())
                + "); treated as missing");
      }
      return null;
    }
  }

  private void openForWriting() throws IOException {
    if (writer != null && writer.isOpen()) {
      return;
    }
    // First put, or an interrupt during an earlier put closed the channel.
    Path folder = file.getParent();
    if (!Files.isDirectory(folder)) {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(".gitattributes"), GIT_ATTRIBUTES + "\n");
    }
    boolean created = !Files.exists(file);
    writer =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (created) {
      syncDirectory(folder);
    }
    if (reader == null || !reader.isOpen()) {
      reader = FileChannel.open(file, StandardOpenOption.READ);
    }
  }

  /**
   * Makes a new file's directory entry durable (POSIX needs an fsync of the directory for that).
   * Best effort: some platforms (Windows) cannot open a directory, and there the file system
   * journals the entry anyway.
   */
  private static void syncDirectory(Path folder) {
    try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here; nothing more we can do
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the reflection cache " + file + " is closed");
    }
  }
}
