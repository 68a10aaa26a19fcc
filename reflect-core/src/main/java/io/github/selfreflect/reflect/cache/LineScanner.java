package io.github.selfreflect.reflect.cache;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads a file line by line with positional reads, telling each line's byte offset: the cache
 * index is built from those offsets, so this works on bytes (a {@code BufferedReader} would decode
 * characters and lose the positions). One pass, a fixed read buffer, memory bounded by the
 * longest line.
 */
final class LineScanner {

  /** Lines longer than this are not cache records; they are reported without being buffered. */
  static final int MAX_LINE_BYTES = 64 << 20;

  private static final int CHUNK_BYTES = 1 << 20;

  /** Eight bytes of an array as one little-endian long: byte {@code i} is bits {@code 8i..8i+7}. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;

  @FunctionalInterface
  interface LineHandler {
    /**
     * One line.
     *
     * @param number 1-based line number
     * @param offset the byte offset of the line's first byte
     * @param bytes holds the line's bytes without {@code \n} (and without a {@code \r} before it,
     *     so that a checkout with CRLF line ends still reads), or null if the line was longer than
     *     {@link #MAX_LINE_BYTES}; valid during the call only (the scanner reuses it)
     * @param start where in {@code bytes} the line begins
     * @param length how many bytes of {@code bytes} from {@code start} are the line
     * @param terminated false for a last line that has no newline: a write that was cut off
     */
    void line(long number, long offset, byte[] bytes, int start, int length, boolean terminated)
        throws IOException;
  }

  private LineScanner() {}

  /**
   * Calls {@code handler} for each line in the first {@code end} bytes of {@code channel}.
   *
   * @return true if those bytes are empty or end with a newline
   */
  static boolean scan(FileChannel channel, long end, LineHandler handler) throws IOException {
    return scan(channel, 0, 1, end, handler);
  }

  /**
   * Calls {@code handler} for each line between {@code from} (the first byte of a line, whose
   * number is {@code firstLine}) and {@code end}: the cache reads the tail that other processes
   * appended since it last looked this way, without reading the file again from the start.
   *
   * @return true if those bytes are empty or end with a newline
   */
  static boolean scan(FileChannel channel, long from, long firstLine, long end, LineHandler handler)
      throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
    byte[] line = new byte[4096];
    int length = 0;
    boolean overlong = false;
    long lineStart = from;
    long lineNumber = firstLine;
    long position = from;
    while (position < end) {
      chunk.clear();
      chunk.limit((int) Math.min(chunk.capacity(), end - position));
      int read = channel.read(chunk, position);
      if (read < 0) {
        break; // the file shrank under us: treat what we have as its end
      }
      byte[] data = chunk.array();
      int start = 0;
      for (int i = indexOfNewline(data, 0, read); i >= 0; i = indexOfNewline(data, start, read)) {
        int piece = i - start;
        if (!overlong && length + piece > MAX_LINE_BYTES) {
          overlong = true;
        }
        if (overlong) {
          handler.line(lineNumber, lineStart, null, 0, 0, true);
        } else if (length == 0) {
          // The whole line lies in this chunk (the usual case): handed over where it is.
          handler.line(lineNumber, lineStart, data, start, withoutCr(data, start, piece), true);
        } else {
          line = append(line, length, data, start, piece);
          length += piece;
          handler.line(lineNumber, lineStart, line, 0, withoutCr(line, 0, length), true);
        }
        lineNumber++;
        lineStart = position + i + 1;
        length = 0;
        overlong = false;
        start = i + 1;
      }
      int rest = read - start;
      if (!overlong && length + rest > MAX_LINE_BYTES) {
        overlong = true;
      }
      if (!overlong) {
        line = append(line, length, data, start, rest);
        length += rest;
      }
      position += read;
    }
    boolean endsWithNewline = lineStart == position;
    if (!endsWithNewline) {
      handler.line(lineNumber, lineStart, overlong ? null : line, 0, overlong ? 0 : length, false);
    }
    return endsWithNewline;
  }

  /**
   * Where the first line that starts after {@code position} starts: the byte after the first
   * {@code \n} at or after {@code position}; -1 if there is none before {@code end}.
   */
  static long lineAfter(FileChannel channel, long position, long end) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    for (long at = position; at < end; ) {
      chunk.clear();
      chunk.limit((int) Math.min(chunk.capacity(), end - at));
      int read = channel.read(chunk, at);
      if (read < 0) {
        return -1;
      }
      int newline = indexOfNewline(chunk.array(), 0, read);
      if (newline >= 0) {
        long next = at + newline + 1;
        return next < end ? next : -1;
      }
      at += read;
    }
    return -1;
  }

  /** The length of the line without a {@code \r} at its end (a CRLF checkout). */
  private static int withoutCr(byte[] bytes, int start, int length) {
    return length > 0 && bytes[start + length - 1] == '\r' ? length - 1 : length;
  }

  /**
   * The index of the first {@code \n} in {@code data[from, to)}, or -1. It tests eight bytes at a
   * time (a byte equal to the newline becomes zero after an exclusive or, and {@code (x - 0x01..)
   * & ~x & 0x80..} marks the lowest zero byte exactly): records are kilobytes long, and a byte at
   * a time was most of the cost of indexing a large cache, next to checking the sums.
   */
  static int indexOfNewline(byte[] data, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(data, i) ^ NEWLINES;
      long zeros = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (data[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static byte[] append(byte[] line, int length, byte[] data, int from, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
    }
    System.arraycopy(data, from, line, length, count);
    return line;
  }
}
