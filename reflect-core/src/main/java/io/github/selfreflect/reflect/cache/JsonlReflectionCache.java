package io.github.selfreflect.reflect.cache;

import io.github.selfreflect.reflect.cache.KeyIndex.Location;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
 * format version is the folder name ({@code v1}), so a future format can live beside this one and
 * a migration is a new folder, not an in-place rewrite. The line format is described in {@link
 * CacheRecordCodec}. {@link #compact} rewrites the file into its canonical form: one record per
 * key, sorted by key.
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
 * <p><b>Several processes.</b> Two builds may share one cache directory (two CI jobs, {@code mvn
 * -T}, a developer and an IDE). Every put and every compaction holds an exclusive {@link FileLock}
 * on the records file (and, because such a lock belongs to the whole JVM, a lock per file inside
 * the JVM first). Under that lock a put
 *
 * <ol>
 *   <li>checks that the path still names the file it has open, and reopens and re-indexes it if a
 *       compaction replaced it;
 *   <li>indexes the lines other processes appended since it last looked, and writes nothing if one
 *       of them holds the same key;
 *   <li>starts on a fresh line if the last line is torn (a writer that died mid-line: a live one
 *       would hold the lock), so that its own record is never glued to someone else's fragment;
 *   <li>appends, forces to disk, and records the offset, which is exact because nobody else can
 *       append in between.
 * </ol>
 *
 * A lookup that misses also reads the tail others appended (a size check, and a read only when
 * the file grew), so the request pass, which asks the cache before each request, never pays for a
 * reply another process has already stored. Two processes that miss the same key at the same
 * moment may both ask the model for it; the second put then finds the first one's line and writes
 * nothing. File locks are advisory and are not reliable on some network file systems; a cache on
 * NFS should not be shared by concurrent builds.
 *
 * <p><b>Memory.</b> Opening reads the file once and keeps only an index from key hash to (offset,
 * length), about 40 bytes per entry; {@link #get} reads and parses the one line it needs with a
 * positional read. A million entries cost tens of megabytes, not the size of the file. Indexing
 * checks each line's sum and reads its key from its place, without parsing the rest of the
 * line: loading is linear in the file's size, and a lookup is a hash probe and one read. A large
 * file's second half is checked on a second thread meanwhile ({@link CheckedLines}).
 */
public final class JsonlReflectionCache implements ReflectionCache {

  /** The format this class reads and writes; also the name of its folder, {@code v1}. */
  public static final int FORMAT_VERSION = 1;

  /** The file name inside the format folder. */
  public static final String FILE_NAME = "reflections.jsonl";

  /** What the cache writes to {@code .gitattributes} in a format folder it creates. */
  public static final String GIT_ATTRIBUTES = FILE_NAME + " text eol=lf merge=union";

  private static final Pattern FORMAT_FOLDER = Pattern.compile("v([0-9]{1,9})");

  /**
   * Opening a cache file at least this large checks its second half on a second thread (see
   * {@link CheckedLines}); below it, a second thread would cost more than it saves.
   */
  static final long PARALLEL_INDEX_BYTES = 16L << 20;

  /**
   * One lock per cache file for the whole JVM. A {@link FileLock} is held by a process, not a
   * thread or channel: two caches of one JVM asking for it at once would get an {@code
   * OverlappingFileLockException} instead of waiting, so they queue here first.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> PROCESS_LOCKS =
      new ConcurrentHashMap<>();

  /** Receives an entry of the cache; may throw to stop the iteration. */
  @FunctionalInterface
  public interface EntryVisitor {
    void visit(CacheEntry entry) throws IOException;
  }

  /**
   * What {@link #compact} did.
   *
   * @param kept records in the rewritten file
   * @param pruned records dropped because no current target uses them
   * @param duplicates lines dropped because an earlier line has the same key
   * @param invalid lines dropped because they are damaged, torn or not records
   * @param bytesBefore the file's size before
   * @param bytesAfter the file's size after
   */
  public record CompactionResult(
      long kept, long pruned, long duplicates, long invalid, long bytesBefore, long bytesAfter) {}

  private final Path file;
  private final ReentrantLock processLock;
  private final Consumer<String> warnings;
  private KeyIndex index = new KeyIndex();
  /** Offsets of the lines reported so far (of the file now open): each is reported once. */
  private final Set<Long> reportedOffsets = new HashSet<>();

  private int droppedLines;
  private int duplicateLines;

  /** Null while the file does not exist. */
  private FileChannel reader;
  /** The file the reader has open ({@link BasicFileAttributes#fileKey()}; null where unknown). */
  private Object readerIdentity;
  /** Null until the first put. */
  private FileChannel writer;

  private Object writerIdentity;
  /** Where the lines not yet indexed begin: the end of the last complete line indexed. */
  private long indexedEnd;
  /** How many lines lie before {@link #indexedEnd}, for line numbers in warnings. */
  private long indexedLines;

  private boolean closed;

  /** Opening a file at least this large checks its second half on a second thread. */
  private final long parallelIndexBytes;

  private JsonlReflectionCache(Path file, Consumer<String> warnings, long parallelIndexBytes)
      throws IOException {
    this.file = file;
    this.warnings = warnings;
    this.parallelIndexBytes = parallelIndexBytes;
    this.processLock =
        PROCESS_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
    if (Files.exists(file)) {
      openReader();
      try {
        indexTail(true);
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
   * @param cacheDir the cache root, e.g. {@code reflect-cache}; its {@code v1} folder holds the
   *     records
   * @param warnings receives one message per damaged line, in the form {@code file:line: problem}
   * @throws UnsupportedCacheFormatException if {@code cacheDir} holds a newer format folder
   */
  public static JsonlReflectionCache open(Path cacheDir, Consumer<String> warnings)
      throws IOException {
    return open(cacheDir, warnings, PARALLEL_INDEX_BYTES);
  }

  /** As {@link #open(Path, Consumer)}, checking in parallel from {@code parallelIndexBytes} on. */
  static JsonlReflectionCache open(
      Path cacheDir, Consumer<String> warnings, long parallelIndexBytes) throws IOException {
    Objects.requireNonNull(warnings, "warnings");
    refuseNewerFormat(cacheDir);
    return new JsonlReflectionCache(
        cacheDir.resolve("v" + FORMAT_VERSION).resolve(FILE_NAME), warnings, parallelIndexBytes);
  }

  /**
   * A newer format folder means a newer Reflect has used (and probably migrated) this cache: its
   * records are there, not in {@code v1}. Carrying on with {@code v1} alone would pay again for
   * everything added since, so the build stops and says why. There is no format older than v1.
   */
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

  /** How many lines were reported and skipped: damaged, torn or not records at all. */
  public synchronized int droppedLines() {
    return droppedLines;
  }

  /**
   * How many lines were skipped silently because an earlier line has the same key (a hint that
   * compaction would shrink the file).
   */
  public synchronized int duplicateLines() {
    return duplicateLines;
  }

  @Override
  public synchronized int size() {
    return index.size();
  }

  /**
   * The entry for {@code key}. A miss first reads whatever other processes appended since the
   * cache last looked, so that a reply another build has just paid for is found.
   */
  @Override
  public Optional<CacheEntry> get(String key) throws IOException {
    Objects.requireNonNull(key, "key");
    long hash = KeyIndex.hash(key);
    List<Location> candidates;
    synchronized (this) {
      ensureOpen();
      candidates = index.find(hash);
    }
    Optional<CacheEntry> found = find(key, candidates);
    if (found.isPresent()) {
      return found;
    }
    synchronized (this) {
      if (!catchUp(false)) {
        return found;
      }
      candidates = index.find(hash);
    }
    return find(key, candidates);
  }

  @Override
  public void put(CacheEntry entry) throws IOException {
    byte[] line = CacheRecordCodec.encode(entry);
    long hash = KeyIndex.hash(entry.key());
    // A paid-for reply is being written: wait for the lock without giving up on an interrupt.
    processLock.lock();
    try {
      synchronized (this) {
        ensureOpen();
        FileLock lock = lockForWriting();
        try {
          if (find(entry.key(), index.find(hash)).isPresent()) {
            return; // already here, maybe appended by another process a moment ago
          }
          append(line, hash);
        } finally {
          if (lock.isValid()) {
            lock.release();
          }
        }
      }
    } finally {
      processLock.unlock();
    }
  }

  /**
   * Stores many entries under one lock and one force to disk: for imports and tools that write a
   * cache in bulk, where a sync per record would take hours. Durable when it returns, like {@link
   * #put}; a process killed during it keeps the entries written before, and at most one torn line.
   * Entries whose key is present (or repeated in {@code entries}) are skipped.
   */
  public void putAll(Iterable<CacheEntry> entries) throws IOException {
    processLock.lock();
    try {
      synchronized (this) {
        ensureOpen();
        FileLock lock = lockForWriting();
        try {
          for (CacheEntry entry : entries) {
            long hash = KeyIndex.hash(entry.key());
            if (find(entry.key(), index.find(hash)).isEmpty()) {
              append(CacheRecordCodec.encode(entry), hash, false);
            }
          }
          writer.force(true);
        } finally {
          if (lock.isValid()) {
            lock.release();
          }
        }
      }
    } finally {
      processLock.unlock();
    }
  }

  private void append(byte[] line, long hash) throws IOException {
    append(line, hash, true);
  }

  private void append(byte[] line, long hash, boolean force) throws IOException {
    long size = writer.size();
    // A torn last line (its writer died mid-line) gets its newline first. Under the lock nobody
    // else is writing, so what the file ends with now is what we append to.
    boolean lead = size > 0 && lastByte(size) != '\n';
    ByteBuffer buffer = ByteBuffer.allocate((lead ? 1 : 0) + line.length + 1);
    if (lead) {
      buffer.put((byte) '\n');
    }
    buffer.put(line).put((byte) '\n').flip();
    while (buffer.hasRemaining()) {
      writer.write(buffer);
    }
    if (force) {
      writer.force(true);
    }
    long start = size + (lead ? 1 : 0);
    index.add(hash, start, line.length);
    // A torn line (reported, not counted yet) is now a line of its own, before ours; a whole
    // record that only lacked its newline was counted when it was indexed.
    indexedLines += lead && indexedEnd < size ? 2 : 1;
    indexedEnd = start + line.length + 1;
  }

  private byte lastByte(long size) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    if (reader.read(last, size - 1) != 1) {
      throw new EOFException(file + " shrank while locked");
    }
    return last.get(0);
  }

  /**
   * Takes the exclusive lock of the records file (creating it on first use) and brings the index
   * up to date with it: after this, the file is ours until the lock is released, the index holds
   * every complete line, and {@link #reader} and {@link #writer} both have the file at the path
   * open. Called holding {@link #processLock} and this object's monitor.
   */
  private FileLock lockForWriting() throws IOException {
    while (true) {
      openWriter();
      FileLock lock = writer.lock();
      try {
        if (Objects.equals(identityOf(file), writerIdentity)) {
          if (reader == null || !Objects.equals(readerIdentity, writerIdentity)) {
            reload();
          }
          indexTail(true);
          return lock;
        }
      } catch (IOException | RuntimeException e) {
        lock.release();
        throw e;
      }
      // A compaction replaced the file while we waited: start again on the new one.
      writer.close();
    }
  }

  /**
   * Rewrites the file in canonical form: every record that {@code keep} accepts, once, in key
   * order, one per line, nothing else. It holds the lock throughout and replaces the file in one
   * atomic rename, so a reader sees the old file or the new one, and a process appending at the
   * same time waits, then appends to the new file. The result is a function of the set of records
   * alone: the same records give the same bytes on every machine, whatever order they were paid
   * for in.
   *
   * @param keep which keys to keep ({@code key -> true} drops only duplicates and damaged lines)
   */
  public CompactionResult compact(Predicate<String> keep) throws IOException {
    Objects.requireNonNull(keep, "keep");
    processLock.lock();
    try {
      synchronized (this) {
        ensureOpen();
        if (!Files.exists(file)) {
          return new CompactionResult(0, 0, 0, 0, 0, 0);
        }
        FileLock lock = lockForWriting();
        try {
          return rewrite(keep);
        } finally {
          if (lock.isValid()) {
            lock.release();
          }
        }
      }
    } finally {
      processLock.unlock();
    }
  }

  private CompactionResult rewrite(Predicate<String> keep) throws IOException {
    long[] live = new long[index.size()];
    int[] count = {0};
    index.forEach((offset, length) -> live[count[0]++] = offset);
    Arrays.sort(live);
    List<String> keys = new ArrayList<>();
    List<long[]> places = new ArrayList<>();
    long[] dropped = {0, 0, 0}; // pruned, duplicates, invalid
    long before = reader.size();
    LineScanner.scan(
        reader,
        before,
        (number, offset, bytes, start, length, terminated) -> {
          if (bytes != null && length == 0) {
            return;
          }
          boolean indexed = Arrays.binarySearch(live, offset) >= 0;
          String key = null;
          if (bytes != null) {
            try {
              key = CacheRecordCodec.verifiedKey(bytes, start, length);
            } catch (InvalidCacheRecordException e) {
              key = null;
            }
          }
          if (key == null) {
            dropped[2]++;
          } else if (!indexed) {
            dropped[1]++;
          } else if (!keep.test(key)) {
            dropped[0]++;
          } else {
            keys.add(key);
            places.add(new long[] {offset, length});
          }
        });
    Integer[] order = new Integer[keys.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> keys.get(a).compareTo(keys.get(b)));

    Path partial = file.resolveSibling("." + FILE_NAME + ".partial");
    try (FileChannel out =
            FileChannel.open(
                partial,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        OutputStream stream = new BufferedOutputStream(Channels.newOutputStream(out), 256 * 1024)) {
      for (Integer i : order) {
        long[] place = places.get(i);
        ByteBuffer record = ByteBuffer.allocate((int) place[1]);
        readFully(reader, record, place[0]);
        stream.write(record.array());
        stream.write('\n');
      }
      stream.flush();
      out.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    try {
      Files.move(
          partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(file.getParent());
    long after = Files.size(file);
    // Our channels still hold the old file; the next use reopens the new one. Closing the writer
    // releases the lock only now, after the rename: a waiting process then sees the new file.
    writer.close();
    reload();
    return new CompactionResult(keys.size(), dropped[0], dropped[1], dropped[2], before, after);
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

  /** The read channel, reopened if an interrupted reader closed it. */
  private synchronized FileChannel readChannel() throws IOException {
    ensureOpen();
    if (reader != null && !reader.isOpen()) {
      FileChannel reopened = FileChannel.open(file, StandardOpenOption.READ);
      if (!Objects.equals(identityOf(file), readerIdentity)) {
        // The file was replaced meanwhile: the index describes a file we can no longer open.
        reopened.close();
        reload();
      } else {
        reader = reopened;
      }
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
      end = indexedEnd;
    }
    LineScanner.scan(
        channel,
        end,
        (number, offset, bytes, start, length, terminated) -> {
          if (bytes == null || length == 0) {
            return;
          }
          CacheEntry entry;
          try {
            entry = CacheRecordCodec.decode(bytes, start, length);
          } catch (InvalidCacheRecordException e) {
            return; // reported when the line was indexed
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

  /**
   * Brings the index up to date with the file at the path without taking the lock: reopens it if
   * it was replaced (a compaction), else indexes what was appended. A last line without its
   * newline may be a line another process is writing right now, so it is left for later.
   *
   * @return whether anything new was indexed
   */
  private boolean catchUp(boolean reportTorn) throws IOException {
    ensureOpen();
    Object identity = identityOf(file);
    if (identity == null && !Files.exists(file)) {
      return false;
    }
    int before = index.size();
    if (reader == null || !Objects.equals(identity, readerIdentity)) {
      reload();
    } else {
      indexTail(reportTorn);
    }
    return index.size() != before;
  }

  /** Forgets the index and reads the file at the path from its start. */
  private void reload() throws IOException {
    if (reader != null) {
      reader.close();
    }
    index = new KeyIndex();
    reportedOffsets.clear();
    indexedEnd = 0;
    indexedLines = 0;
    reader = null;
    if (Files.exists(file)) {
      openReader();
      indexTail(true);
    }
  }

  private void openReader() throws IOException {
    // The identity is read after opening; a replacement between the two would leave a stale
    // identity, which the next check sees as a replacement and answers with a reload.
    reader = FileChannel.open(file, StandardOpenOption.READ);
    readerIdentity = identityOf(file);
  }

  /**
   * Indexes the complete lines after {@link #indexedEnd}, reporting those that cannot be used.
   *
   * @param reportTorn whether a last line without its newline is reported as torn: at open (as the
   *     one warning about it) and under the lock (where it cannot be a write in progress)
   */
  private void indexTail(boolean reportTorn) throws IOException {
    long end = reader.size();
    if (end <= indexedEnd) {
      return;
    }
    // The offset and number of an unterminated last line; the number of the last complete line.
    long[] tail = {-1, 0, indexedLines};
    LineScanner.LineHandler checkAndIndex =
        (number, offset, bytes, start, length, terminated) -> {
          String key = null;
          String problem = null;
          if (terminated && bytes == null) {
            problem = overlong();
          } else if (terminated && length > 0) {
            try {
              key = CacheRecordCodec.verifiedKey(bytes, start, length);
            } catch (InvalidCacheRecordException e) {
              problem = e.getMessage();
            }
          }
          boolean blank = bytes != null && length == 0;
          long hash = key == null ? 0 : KeyIndex.hash(key);
          indexLine(tail, number, offset, length, hash, key, problem, blank, terminated);
        };
    long middle =
        indexedEnd == 0 && end >= parallelIndexBytes
            ? LineScanner.lineAfter(reader, end / 2, end)
            : -1;
    boolean complete;
    if (middle < 0) {
      complete = LineScanner.scan(reader, indexedEnd, indexedLines + 1, end, checkAndIndex);
    } else {
      // A large cache being opened: its second half is checked on another thread meanwhile (see
      // CheckedLines), then indexed here in file order.
      CheckedLines second = CheckedLines.start(reader, middle, end);
      try {
        LineScanner.scan(reader, indexedEnd, indexedLines + 1, middle, checkAndIndex);
      } catch (IOException | RuntimeException e) {
        try {
          second.await(); // it reads our channel: it must be done before anyone closes it
        } catch (IOException alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
        throw e;
      }
      complete =
          second.replay(
              tail[2] + 1,
              (number, offset, length, hash, problem, blank, terminated) ->
                  indexLine(tail, number, offset, length, hash, null, problem, blank, terminated));
    }
    if (complete) {
      indexedEnd = end;
      indexedLines = tail[2];
      return;
    }
    // The bytes after the last newline: a whole record whose newline is missing is used (the next
    // put adds the newline); anything else is a torn write, or a write still under way.
    indexedEnd = tail[0];
    indexedLines = tail[1] - 1;
    ByteBuffer rest = ByteBuffer.allocate((int) Math.min(end - tail[0], LineScanner.MAX_LINE_BYTES));
    readFully(reader, rest, tail[0]);
    if (end - tail[0] <= LineScanner.MAX_LINE_BYTES) {
      try {
        String key = CacheRecordCodec.verifiedKey(rest.array(), 0, rest.capacity());
        String problem = index(tail[0], KeyIndex.hash(key), key, rest.capacity());
        if (problem == null) {
          indexedEnd = end;
          indexedLines = tail[1];
          return;
        }
      } catch (InvalidCacheRecordException e) {
        if (reportTorn) {
          report(
              tail[0],
              file
                  + ":"
                  + tail[1]
                  + ": incomplete last line (a write was cut off, e.g. a killed build): "
                  + e.getMessage()
                  + "; line skipped");
        }
        return;
      }
    }
    if (reportTorn) {
      report(tail[0], file + ":" + tail[1] + ": incomplete last line, too long to be a record");
    }
  }

  /**
   * Indexes one checked line, or reports why it cannot be used; notes an unterminated last line
   * in {@code tail} (its offset and number) for {@link #indexTail} to judge, and the number of the
   * last complete line.
   *
   * @param key the line's key, or null (read back only if another line has the same hash)
   */
  private void indexLine(
      long[] tail,
      long number,
      long offset,
      int length,
      long hash,
      String key,
      String problem,
      boolean blank,
      boolean terminated)
      throws IOException {
    if (!terminated) {
      tail[0] = offset;
      tail[1] = number;
      return;
    }
    tail[2] = number;
    if (blank) {
      return; // a blank line holds nothing to lose
    }
    String why = problem != null ? problem : index(offset, hash, key, length);
    if (why != null) {
      report(offset, file + ":" + number + ": " + why + "; line skipped");
    }
  }

  private void report(long offset, String message) {
    if (reportedOffsets.add(offset)) {
      droppedLines++;
      warnings.accept(message);
    }
  }

  /** Why a line too long to be buffered is skipped. */
  static String overlong() {
    return "longer than " + (LineScanner.MAX_LINE_BYTES >> 20) + " MiB, not a cache record";
  }

  /**
   * Indexes the checked line at {@code offset} whose key has {@code hash}; returns why it cannot be
   * used, or null (also for a duplicate).
   *
   * @param key the line's key, or null to read it back only if another line has the same hash
   */
  private String index(long offset, long hash, String key, int length) throws IOException {
    for (Location location : index.find(hash)) {
      if (location.offset() == offset) {
        return null; // seen already (a line whose newline came later)
      }
      if (key == null) {
        key = keyAt(new Location(offset, length));
      }
      if (key != null && key.equals(keyAt(location))) {
        duplicateLines++;
        return null;
      }
    }
    index.add(hash, offset, length);
    return null;
  }

  private String keyAt(Location location) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(location.length());
    readFully(reader, buffer, location.offset());
    try {
      return CacheRecordCodec.verifiedKey(buffer.array(), 0, location.length());
    } catch (InvalidCacheRecordException e) {
      return null;
    }
  }

  /**
   * The entry at {@code location}, or null (reported once) if it does not read back. Its sum was
   * checked when it was indexed, and the file is append-only while open, so it is not checked
   * again here. Its fields are checked here, not when indexing: a line with a correct sum was
   * written whole by {@link CacheRecordCodec#encode}, so a bad field means a hand-made line, and
   * parsing every line of a large cache at open would cost more than the rest of a cached build.
   */
  private CacheEntry readAt(FileChannel channel, Location location) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(location.length());
    try {
      readFully(channel, buffer, location.offset());
      return CacheRecordCodec.decodeVerified(buffer.array(), 0, location.length());
    } catch (EOFException | InvalidCacheRecordException e) {
      boolean first;
      synchronized (this) {
        first = reportedOffsets.add(location.offset());
      }
      if (first) {
        warnings.accept(
            file
                + ": the record at byte "
                + location.offset()
                + (e instanceof EOFException
                    ? " is gone (the file was truncated while the cache was open)"
                    : ": " + e.getMessage())
                + "; treated as missing");
      }
      return null;
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException();
      }
    }
  }

  private void openWriter() throws IOException {
    if (writer != null && writer.isOpen()) {
      return;
    }
    // First put, an interrupt during an earlier put closed the channel, or a compaction replaced
    // the file.
    Path folder = file.getParent();
    if (!Files.isDirectory(folder)) {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(".gitattributes"), GIT_ATTRIBUTES + "\n");
    }
    boolean created = !Files.exists(file);
    writer =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    writerIdentity = identityOf(file);
    if (created) {
      syncDirectory(folder);
    }
    if (reader == null || !reader.isOpen()) {
      openReader();
    }
  }

  /** Which file a path names now (inode and device on POSIX), or null where unknown or absent. */
  private static Object identityOf(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
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
