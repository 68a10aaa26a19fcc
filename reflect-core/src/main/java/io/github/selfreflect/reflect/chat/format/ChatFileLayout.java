package io.github.selfreflect.reflect.chat.format;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How records are laid out in a chat file, told from its first bytes rather than its name: files
 * called {@code .json} that hold JSON Lines (and the reverse) are common.
 */
enum ChatFileLayout {
  /** Nothing but whitespace: no records, and nothing wrong. */
  EMPTY,
  /** {@code [} first: one JSON array of records. */
  JSON_ARRAY,
  /** <code>&#123;</code> first, with more on its line: one record per line. */
  JSON_LINES,
  /**
   * <code>&#123;</code> alone on the first line: a pretty-printed record (axolotl's and others'
   * single-object fixtures), or several one after another. Not JSONL, whose records never span
   * lines.
   */
  JSON_VALUES,
  /** Anything else: not a chat file. */
  UNRECOGNIZED;

  /** What the first bytes said, and where the first non-blank character is. */
  record Sniffed(ChatFileLayout layout, long line, String firstCharacter) {}

  private static final int UTF8_BOM_1 = 0xEF;
  private static final int UTF8_BOM_2 = 0xBB;
  private static final int UTF8_BOM_3 = 0xBF;

  /** Reads only up to the end of the first non-blank line. */
  static Sniffed sniff(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      long line = 1;
      int b = in.read();
      if (b == UTF8_BOM_1 && in.read() == UTF8_BOM_2 && in.read() == UTF8_BOM_3) {
        b = in.read();
      }
      while (b != -1 && isJsonWhitespace(b)) {
        if (b == '\n') {
          line++;
        }
        b = in.read();
      }
      if (b == -1) {
        return new Sniffed(EMPTY, line, null);
      }
      if (b == '[') {
        return new Sniffed(JSON_ARRAY, line, "[");
      }
      if (b == '{') {
        return new Sniffed(restOfLineIsBlank(in) ? JSON_VALUES : JSON_LINES, line, "{");
      }
      return new Sniffed(UNRECOGNIZED, line, describeByte(b));
    }
  }

  private static boolean restOfLineIsBlank(InputStream in) throws IOException {
    int b = in.read();
    while (b != -1 && b != '\n') {
      if (!isJsonWhitespace(b)) {
        return false;
      }
      b = in.read();
    }
    return true;
  }

  private static boolean isJsonWhitespace(int b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  private static String describeByte(int b) {
    return b >= 0x20 && b < 0x7F
        ? "'" + (char) b + "'"
        : String.format(java.util.Locale.ROOT, "the byte 0x%02X", b);
  }
}
