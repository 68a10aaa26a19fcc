package io.github.selfreflect.reflect.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
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

  @FunctionalInterface
  interface LineHandler {
    /**
     * One line.
     *
     * @param number 1-based line number
     * @param offset the byte offset of the line's first byte
     * @param bytes the line's bytes without {@code \n} (and without a {@code \r} before it, so
     *     that a checkout with CRLF line ends still reads), or null if the line was longer than
     *     {@link #MAX_LINE_BYTES}
     * @param length how many bytes of {@code bytes} are the line
     * @param terminated false for a last line that has no newline: a write that was cut off
     */
    void line(long number, long offset, byte[] bytes, int length, boolean terminated)
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
    ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);
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
      for (int i = 0; i < read; i++) {
        if (data[i] != '\n') {
          continue;
        }
        int piece = i - start;
        if (!overlong && length + piece > MAX_LINE_BYTES) {
          overlong = true;
        }
        if (!overlong) {
          line = append(line, length, data, start, piece);
          length += piece;
          int content = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
          handler.line(lineNumber, lineStart, line, content, true);
        } else {
          handler.line(lineNumber, lineStart, null, 0, true);
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
      handler.line(lineNumber, lineStart, overlong ? null : line, overlong ? 0 : length, false);
    }
    return endsWithNewline;
  }

  private static byte[] append(byte[] line, int length, byte[] data, int from, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
    }
    System.arraycopy(data, from, line, length, count);
    return line;
  }
}
