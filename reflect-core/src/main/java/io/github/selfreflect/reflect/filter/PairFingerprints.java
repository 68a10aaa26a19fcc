package io.github.selfreflect.reflect.filter;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.util.LongHashSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The (prompt, answer) pairs already written, kept as 64-bit fingerprints in a {@link LongHashSet}
 * (8 to 16 bytes a pair) instead of as texts, so that the duplicate filter's memory stays
 * small on a corpus of millions of targets: it never holds a conversation.
 *
 * <p>A fingerprint is the first 64 bits of the SHA-256 of the pair, every field length-prefixed
 * so that no two different pairs serialise alike. Two different pairs with the same fingerprint
 * (odds about one in 10<sup>7</sup> for ten million pairs) would drop the second as a duplicate.
 *
 * <p>The prompt of a target is the start of its conversation, and a conversation's targets come
 * one after another, each prompt extending the one before. So {@link #add(Conversation, int,
 * String)} keeps the digest of the prompt it hashed last and only feeds it the messages that are
 * new, instead of hashing the whole conversation again for every target: the same fingerprints,
 * at a fraction of the hashing.
 */
final class PairFingerprints {

  private final LongHashSet fingerprints = new LongHashSet();

  /** The conversation whose first {@link #hashedMessages} messages {@link #prefix} has digested. */
  private Conversation hashed;

  private int hashedMessages;
  private MessageDigest prefix;

  /** Adds the pair; false if it was there already (a duplicate). */
  boolean add(List<Message> prompt, String answer) {
    return fingerprints.add(fingerprint(prompt, answer));
  }

  /**
   * Adds the pair whose prompt is the first {@code promptLength} messages of {@code
   * conversation}; false if it was there already. The same fingerprint as {@link #add(List,
   * String)} of those messages.
   */
  boolean add(Conversation conversation, int promptLength, String answer) {
    return fingerprints.add(fingerprint(conversation, promptLength, answer));
  }

  /** {@link #fingerprint(List, String)} of the first {@code promptLength} messages, incrementally. */
  long fingerprint(Conversation conversation, int promptLength, String answer) {
    if (conversation != hashed || promptLength < hashedMessages) {
      hashed = conversation;
      hashedMessages = 0;
      prefix = sha256();
    }
    List<Message> messages = conversation.messages();
    for (; hashedMessages < promptLength; hashedMessages++) {
      message(prefix, messages.get(hashedMessages));
    }
    MessageDigest pair;
    try {
      pair = (MessageDigest) prefix.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
    }
    return finish(pair, answer);
  }

  int size() {
    return fingerprints.size();
  }

  static long fingerprint(List<Message> prompt, String answer) {
    MessageDigest digest = sha256();
    for (Message m : prompt) {
      message(digest, m);
    }
    return finish(digest, answer);
  }

  private static void message(MessageDigest digest, Message m) {
    field(digest, m.role().wireName());
    field(digest, m.content());
    field(digest, m.name());
    field(digest, m.toolCallId());
    field(digest, m.toolCalls() == null ? null : m.toolCalls().toString());
  }

  private static long finish(MessageDigest digest, String answer) {
    field(digest, "answer");
    field(digest, answer);
    long fingerprint = ByteBuffer.wrap(digest.digest()).getLong();
    // 0 is folded onto 1, as when the table reserved 0 for a free slot: the set no longer needs
    // it, but the fingerprints stay exactly what they were, and so do the pairs that collide.
    return fingerprint == 0 ? 1 : fingerprint;
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
