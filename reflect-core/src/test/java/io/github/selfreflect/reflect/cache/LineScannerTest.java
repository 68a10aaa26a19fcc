package io.github.selfreflect.reflect.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineScannerTest {

  @TempDir Path dir;

  /** One line as the scanner reported it. */
  private record Line(long number, long offset, String text, boolean terminated) {}

  private List<Line> scan(byte[] content, long from, long firstLine) throws IOException {
    Path file = dir.resolve("lines");
    Files.write(file, content);
    List<Line> lines = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(file)) {
      LineScanner.scan(
          channel,
          from,
          firstLine,
          content.length,
          (number, offset, bytes, start, length, terminated) ->
              lines.add(
                  new Line(
                      number,
                      offset,
                      bytes == null ? null : new String(bytes, start, length, "ISO-8859-1"),
                      terminated)));
    }
    return lines;
  }

  /** What the scanner must report, worked out the slow way. */
  private static List<Line> expected(byte[] content, long from, long firstLine) {
    List<Line> lines = new ArrayList<>();
    long number = firstLine;
    int start = (int) from;
    for (int i = start; i < content.length; i++) {
      if (content[i] == '\n') {
        lines.add(new Line(number++, start, withoutCr(content, start, i), true));
        start = i + 1;
      }
    }
    if (start < content.length) {
      // A last line without its newline is a torn write: handed over as it is, \r included.
      lines.add(new Line(number, start, latin1(content, start, content.length), false));
    }
    return lines;
  }

  private static String withoutCr(byte[] content, int from, int to) {
    return latin1(content, from, to > from && content[to - 1] == '\r' ? to - 1 : to);
  }

  private static String latin1(byte[] content, int from, int to) {
    return new String(content, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Equal lists, or a failure that names the first line that differs (lines are megabytes). */
  private static void assertSameLines(List<Line> expected, List<Line> actual, String what) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      Line e = expected.get(i);
      Line a = actual.get(i);
      if (!e.equals(a)) {
        throw new AssertionError(
            what + ": line " + e.number() + " at " + e.offset() + " (" + e.text().length()
                + " bytes, terminated " + e.terminated() + ") came as line " + a.number() + " at "
                + a.offset() + " (" + (a.text() == null ? "null" : a.text().length() + " bytes")
                + ", terminated " + a.terminated() + ")");
      }
    }
    assertEquals(expected.size(), actual.size(), what + ": number of lines");
  }

  @Test
  void reportsEveryLineWithItsOffsetWhereverTheReadsSplitIt() throws IOException {
    Random random = new Random(11);
    for (int round = 0; round < 30; round++) {
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      int lines = 1 + random.nextInt(400);
      for (int l = 0; l < lines; l++) {
        // Lengths from empty to several read chunks, so that lines start and end at every
        // position relative to the chunk and to the eight-byte words.
        int length = random.nextInt(10) == 0 ? random.nextInt(3 << 20) : random.nextInt(5000);
        byte[] line = new byte[length];
        for (int i = 0; i < length; i++) {
          line[i] = (byte) (0x20 + random.nextInt(0x60)); // never a newline
        }
        content.writeBytes(line);
        if (random.nextInt(5) == 0) {
          content.write('\r');
        }
        if (l < lines - 1 || random.nextBoolean()) {
          content.write('\n');
        }
      }
      byte[] bytes = content.toByteArray();
      assertSameLines(expected(bytes, 0, 1), scan(bytes, 0, 1), "round " + round);
    }
  }

  @Test
  void startsInTheMiddleWithTheGivenLineNumber() throws IOException {
    byte[] bytes = "first\nsecond\r\nthird\nlast".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<Line> lines = scan(bytes, 6, 2);
    assertEquals(
        List.of(
            new Line(2, 6, "second", true),
            new Line(3, 14, "third", true),
            new Line(4, 20, "last", false)),
        lines);
  }

  @Test
  void anOverlongLineIsReportedWithoutItsBytes() throws IOException {
    byte[] bytes = new byte[LineScanner.MAX_LINE_BYTES + 10];
    Arrays.fill(bytes, (byte) 'x');
    bytes[3] = '\n';
    bytes[bytes.length - 1] = '\n';
    List<Line> lines = scan(bytes, 0, 1);
    assertEquals(2, lines.size());
    assertEquals(new Line(1, 0, "xxx", true), lines.get(0));
    assertEquals(new Line(2, 4, null, true), lines.get(1));
  }

  @Test
  void findsTheFirstNewlineAtEveryPosition() {
    for (int length = 0; length < 40; length++) {
      for (int at = -1; at < length; at++) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) 0x8a); // 0x0a in its low bits, to trip a careless mask
        if (at >= 0) {
          data[at] = '\n';
          if (at + 1 < length) {
            data[at + 1] = '\n';
          }
        }
        for (int from = 0; from <= length; from++) {
          int expected = at >= from ? at : (at >= 0 && at + 1 >= from && at + 1 < length ? at + 1 : -1);
          assertEquals(expected, LineScanner.indexOfNewline(data, from, length), length + "/" + at + "/" + from);
        }
      }
    }
    assertTrue(LineScanner.indexOfNewline(new byte[] {'\n'}, 0, 1) == 0);
    assertFalse(LineScanner.indexOfNewline(new byte[] {'\n'}, 1, 1) >= 0);
  }
}
