package io.github.selfreflect.reflect.cache;

import io.github.selfreflect.reflect.util.Threads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The lines of one range of the cache file, each checked (its sum verified, its key hashed) but
 * not yet indexed, checked on a thread of its own.
 *
 * <p>Why: opening a cache reads every line and verifies every sum, and on a large cache that is
 * seconds of work during which nothing else can happen (the build needs the index before its
 * first lookup). So the cache checks the second half of the file here while it indexes the first
 * half itself, then {@link #replay replays} these lines in file order through the same indexing:
 * the index, the warnings and their line numbers are exactly those of one pass. What is kept per
 * line is its offset, length and key hash (20 bytes), not its key or bytes.
 */
final class CheckedLines implements LineScanner.LineHandler {

  /** Receives the checked lines in file order. */
  @FunctionalInterface
  interface Replay {
    /**
     * One line, as {@link LineScanner.LineHandler} would have seen it, checked.
     *
     * @param number the line's number in the file
     * @param hash the key's {@link KeyIndex#hash} when {@code problem} is null
     * @param problem why the line cannot be used, null if it can; null too for a blank line
     * @param blank an empty line (nothing to index, nothing to report)
     * @param terminated false for a last line without its newline (not checked here)
     */
    void line(
        long number,
        long offset,
        int length,
        long hash,
        String problem,
        boolean blank,
        boolean terminated)
        throws IOException;
  }

  private static final byte BLANK = 1;
  private static final byte UNTERMINATED = 2;

  private final FileChannel channel;
  private final long from;
  private final long end;
  private final Thread thread;

  private long[] offsets = new long[1024];
  private int[] lengths = new int[1024];
  private long[] hashes = new long[1024];
  private byte[] kinds = new byte[1024];
  private final Map<Integer, String> problems = new HashMap<>();
  private int size;
  private boolean complete;
  private volatile IOException failure;

  private CheckedLines(FileChannel channel, long from, long end) {
    this.channel = channel;
    this.from = from;
    this.end = end;
    this.thread = new Thread(this::check, "reflect-cache-index");
    thread.setDaemon(true);
  }

  /**
   * Starts checking the lines between {@code from} (the first byte of a line) and {@code end}.
   */
  static CheckedLines start(FileChannel channel, long from, long end) {
    CheckedLines lines = new CheckedLines(channel, from, end);
    lines.thread.start();
    return lines;
  }

  private void check() {
    try {
      complete = LineScanner.scan(channel, from, 1, end, this);
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new IOException(e);
    }
  }

  @Override
  public void line(long number, long offset, byte[] bytes, int start, int length, boolean terminated) {
    if (size == offsets.length) {
      int capacity = size * 2;
      offsets = Arrays.copyOf(offsets, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
      hashes = Arrays.copyOf(hashes, capacity);
      kinds = Arrays.copyOf(kinds, capacity);
    }
    offsets[size] = offset;
    lengths[size] = length;
    if (!terminated) {
      kinds[size] = UNTERMINATED; // judged by the cache itself, as at the end of any scan
    } else if (bytes != null && length == 0) {
      kinds[size] = BLANK;
    } else if (bytes == null) {
      problems.put(size, JsonlReflectionCache.overlong());
    } else {
      try {
        hashes[size] = KeyIndex.hash(CacheRecordCodec.verifiedKey(bytes, start, length));
      } catch (InvalidCacheRecordException e) {
        problems.put(size, e.getMessage());
      }
    }
    size++;
  }

  /**
   * Waits for the check to end, then hands every line to {@code replay} in file order.
   *
   * @param firstLine the number of the range's first line in the file
   * @return true if the range is empty or ends with a newline
   */
  boolean replay(long firstLine, Replay replay) throws IOException {
    await();
    for (int i = 0; i < size; i++) {
      replay.line(
          firstLine + i,
          offsets[i],
          lengths[i],
          hashes[i],
          problems.get(i),
          kinds[i] == BLANK,
          kinds[i] != UNTERMINATED);
    }
    return complete;
  }

  /** Waits for the check to end (also when the caller failed meanwhile: it reads our channel). */
  void await() throws IOException {
    if (Threads.joinUninterruptibly(thread)) {
      throw new InterruptedIOException("interrupted while opening the reflection cache");
    }
    if (failure != null) {
      throw failure;
    }
  }
}
