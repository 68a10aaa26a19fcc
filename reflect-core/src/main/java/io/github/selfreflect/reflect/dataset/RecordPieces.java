package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.ToolCallIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON the dataset records are assembled from, each piece serialised once: the string
 * literals of a target (the new answer appears in {@code sft}, {@code preference} and {@code
 * reflections} alike), and the message objects and content literals of the conversation being
 * written (targets of one conversation share their history, and a conversation's targets are
 * written one after another, so remembering one conversation is enough), with the tool-call ids
 * of {@link ToolCallIds} and the conversation's tool definitions.
 *
 * <p>Literals come from one Jackson generator, reused for every string and configured like the
 * generators of {@link DatasetJson}: the same escaping, so an assembled record has the bytes the
 * generated one has. Not thread-safe: one per writer.
 */
final class RecordPieces {

  /** As {@link DatasetJson}'s factory, and no separator between the literals written in a row. */
  private static final JsonFactory LITERALS =
      new JsonFactoryBuilder()
          .rootValueSeparator((String) null)
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private static final byte[] ROLE = JsonLine.ascii("{\"role\":");
  private static final byte[] CONTENT = JsonLine.ascii(",\"content\":");
  private static final byte[] END = JsonLine.ascii("}");
  /** Replaces the closing brace of a history answer in {@code sft.jsonl}. */
  private static final byte[] UNTRAINED_END = JsonLine.ascii(",\"weight\":0}");
  private static final byte[] NO_TOOLS = new byte[0];

  private final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);
  private final JsonGenerator json;
  private final byte[] assistantRole;

  private Conversation conversation;
  /** The conversation's messages as written: calls with ids, tool answers linked. */
  private List<Message> linked;
  /** {@code ,"tools":[...]}, or nothing when the conversation declares no tools. */
  private byte[] tools;
  private byte[][] messages;
  private byte[][] sftHistoryMessages;
  private byte[][] contents;

  RecordPieces() {
    try {
      json = LITERALS.createGenerator(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    assistantRole = literal(Role.ASSISTANT.wireName());
  }

  /** {@code text} as a JSON string literal, quotes included; {@code null} for null. */
  byte[] literal(String text) {
    try {
      json.writeString(text);
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    byte[] bytes = buffer.toByteArray();
    buffer.reset();
    return bytes;
  }

  /** {@code {"role":"assistant","content":<content>}} around a literal of {@link #literal}. */
  byte[] assistant(byte[] content) {
    return new JsonLine().add(ROLE).add(assistantRole).add(CONTENT).add(content).add(END).toBytes();
  }

  /** Message {@code index} of {@code c} as a JSON object, exactly as {@link DatasetJson} writes it. */
  byte[] message(Conversation c, int index) {
    select(c);
    byte[] bytes = messages[index];
    if (bytes == null) {
      Message m = linked.get(index);
      bytes =
          isPlain(m)
              ? new JsonLine()
                  .add(ROLE)
                  .add(literal(m.role().wireName()))
                  .add(CONTENT)
                  .add(content(c, index))
                  .add(END)
                  .toBytes()
              : DatasetJson.messageBytes(m); // a name or tool calls: rare, written field by field
      messages[index] = bytes;
    }
    return bytes;
  }

  /**
   * Message {@code index} of {@code c} as the history of an {@code sft.jsonl} record holds it: an
   * assistant message with {@code "weight":0} after its other fields, exactly as {@link
   * DatasetJson} writes it, any other message as {@link #message}. Made once per conversation from
   * the message's object: {@link #message} stays weightless, since {@code preference.jsonl} shares
   * it.
   */
  byte[] sftHistoryMessage(Conversation c, int index) {
    select(c);
    if (linked.get(index).role() != Role.ASSISTANT) {
      return message(c, index);
    }
    byte[] bytes = sftHistoryMessages[index];
    if (bytes == null) {
      byte[] object = message(c, index); // ends in the object's closing brace
      int open = object.length - 1;
      bytes = Arrays.copyOf(object, open + UNTRAINED_END.length);
      System.arraycopy(UNTRAINED_END, 0, bytes, open, UNTRAINED_END.length);
      sftHistoryMessages[index] = bytes;
    }
    return bytes;
  }

  /** The content of message {@code index} of {@code c} as a literal. */
  byte[] content(Conversation c, int index) {
    select(c);
    byte[] bytes = contents[index];
    if (bytes == null) {
      bytes = literal(linked.get(index).content());
      contents[index] = bytes;
    }
    return bytes;
  }

  /**
   * {@code ,"tools":[...]} with the conversation's tool definitions, to follow the last array of
   * a training record; empty when it declares none. Serialised once per conversation.
   */
  byte[] tools(Conversation c) {
    select(c);
    return tools;
  }

  /**
   * The target's original answer as the assistant message the training files hold ({@code role}
   * and {@code content} only): the conversation's own message object when that is all it has.
   */
  byte[] originalAnswer(Conversation c, int index) {
    select(c);
    Message m = linked.get(index);
    return isPlain(m) && m.role() == Role.ASSISTANT ? message(c, index) : assistant(content(c, index));
  }

  /** A message with role and content only, which the assembled form covers. */
  private static boolean isPlain(Message m) {
    return m.name() == null && !m.isToolCall() && m.toolCallId() == null;
  }

  private void select(Conversation c) {
    if (c != conversation) {
      conversation = c;
      linked = ToolCallIds.linked(c.messages());
      tools =
          c.tools().isEmpty()
              ? NO_TOOLS
              : new JsonLine()
                  .add(DatasetJson.TOOLS)
                  .add(DatasetJson.toolsArrayBytes(c.tools()))
                  .toBytes();
      messages = new byte[c.messages().size()][];
      sftHistoryMessages = new byte[c.messages().size()][];
      contents = new byte[c.messages().size()][];
    }
  }
}
