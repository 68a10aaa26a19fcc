package io.github.selfreflect.reflect.dataset;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of a dataset file as the pieces it is assembled from (keys, punctuation and JSON
 * that was serialised once and is shared by several records), in order. The pieces are copied
 * once, into the file's buffer ({@link HashingFileSink#writeLine(JsonLine)}), never joined first.
 */
final class JsonLine {

  private final List<byte[]> pieces = new ArrayList<>(16);
  private int length;

  /** ASCII text known when the class is written, e.g. {@code ,"content":}. */
  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  JsonLine add(byte[] piece) {
    pieces.add(piece);
    length += piece.length;
    return this;
  }

  List<byte[]> pieces() {
    return pieces;
  }

  int length() {
    return length;
  }

  /** The whole record in one array (for tests and the rare caller that needs it so). */
  byte[] toBytes() {
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] piece : pieces) {
      System.arraycopy(piece, 0, all, at, piece.length);
      at += piece.length;
    }
    return all;
  }
}
