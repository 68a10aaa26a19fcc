package io.github.selfreflect.reflect.filter;

import io.github.selfreflect.reflect.chat.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The (prompt, answer) pairs already written, kept as 64-bit fingerprints in an open-addressing
 * table (8 to 16 bytes a pair) instead of as texts, so that the duplicate filter's memory stays
 * small on a corpus of millions of targets: it never holds a conversation.
 *
 * <p>A fingerprint is the first 64 bits of the SHA-256 of the pair, every field length-prefixed
 * so that no two different pairs serialise alike. Two different pairs with the same fingerprint
 * (odds about one in 10<sup>7</sup> for ten million pairs) would drop the second as a duplicate.
 */
final class PairFingerprints {

  private long[] slots = new long[1 << 10];
  private int size;

  /** Adds the pair; false if it was there already (a duplicate). */
  boolean add(List<Message> prompt, String answer) {
    long fingerprint = fingerprint(prompt, answer);
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    if (!insert(slots, fingerprint)) {
      return false;
    }
    size++;
    return true;
  }

  int size() {
    return size;
  }

  static long fingerprint(List<Message> prompt, String answer) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    for (Message m : prompt) {
      field(digest, m.role().wireName());
      field(digest, m.content());
      field(digest, m.name());
      field(digest, m.toolCallId());
      field(digest, m.toolCalls() == null ? null : m.toolCalls().toString());
    }
    field(digest, "answer");
    field(digest, answer);
    long fingerprint = ByteBuffer.wrap(digest.digest()).getLong();
    return fingerprint == 0 ? 1 : fingerprint; // 0 marks a free slot
  }

  private static void field(MessageDigest digest, String value) {
    if (value == null) {
      digest.update(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static boolean insert(long[] table, long fingerprint) {
    int mask = table.length - 1;
    for (int i = (int) (fingerprint ^ (fingerprint >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (table[i] == 0) {
        table[i] = fingerprint;
        return true;
      }
      if (table[i] == fingerprint) {
        return false;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long fingerprint : slots) {
      if (fingerprint != 0) {
        insert(bigger, fingerprint);
      }
    }
    slots = bigger;
  }
}
