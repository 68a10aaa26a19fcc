package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.filter.Exclusion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The records of the dataset files, one compact JSON object each, keys written in a fixed order
 * by hand (never through a map or bean introspection) so that the same input always gives the
 * same bytes.
 */
final class DatasetJson {

  /**
   * A mapper only so that generators can write the {@code tool_calls} trees as read. Emoji and
   * other characters outside the BMP are written as UTF-8 rather than as escaped surrogate pairs
   * (lone surrogates stay escaped, so nothing is lost).
   */
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build());

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private DatasetJson() {}

  /**
   * {@code sft.jsonl}: {@code {"messages":[...history, K, answer]}}, the conversational format of
   * OpenAI fine-tuning and TRL's SFTTrainer.
   */
  static byte[] sft(Target target, String answer) {
    return object(
        json -> {
          json.writeArrayFieldStart("messages");
          prompt(json, target);
          message(json, Role.ASSISTANT, answer);
          json.writeEndArray();
        });
  }

  /**
   * {@link #sft}, assembled from the messages' JSON in {@code memo}: the same bytes, but each
   * message of a conversation is serialised once rather than once for every later target.
   */
  static byte[] sft(Target target, String answer, MessageJson memo) {
    Joiner line = new Joiner().text("{\"messages\":[");
    prompt(line, target, memo);
    return line.text(",").bytes(messageBytes(Message.of(Role.ASSISTANT, answer))).text("]}").toBytes();
  }

  /** {@link #preference}, assembled like {@link #sft(Target, String, MessageJson)}. */
  static byte[] preference(Target target, String chosen, String rejected, MessageJson memo) {
    Joiner line = new Joiner().text("{\"prompt\":[");
    prompt(line, target, memo);
    return line.text("],\"chosen\":[")
        .bytes(messageBytes(Message.of(Role.ASSISTANT, chosen)))
        .text("],\"rejected\":[")
        .bytes(messageBytes(Message.of(Role.ASSISTANT, rejected)))
        .text("]}")
        .toBytes();
  }

  private static void prompt(Joiner line, Target target, MessageJson memo) {
    for (int i = 0; i < target.index(); i++) {
      if (i > 0) {
        line.text(",");
      }
      line.bytes(memo.of(target.conversation(), i));
    }
  }

  /** One message as a JSON object, exactly as it appears inside a record. */
  static byte[] messageBytes(Message m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + m.content().length());
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      message(json, m);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * The JSON of the messages of the conversation being written, made on first use. Targets of
   * one conversation share their history, and a conversation's targets are written one after
   * another, so remembering one conversation is enough.
   */
  static final class MessageJson {
    private Conversation conversation;
    private byte[][] json;

    byte[] of(Conversation c, int index) {
      if (c != conversation) {
        conversation = c;
        json = new byte[c.messages().size()][];
      }
      byte[] bytes = json[index];
      if (bytes == null) {
        bytes = messageBytes(c.messages().get(index));
        json[index] = bytes;
      }
      return bytes;
    }
  }

  /** Concatenates byte pieces into one array, sized once. */
  private static final class Joiner {
    private final java.util.List<byte[]> pieces = new java.util.ArrayList<>();
    private int length;

    Joiner text(String ascii) {
      return bytes(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    Joiner bytes(byte[] piece) {
      pieces.add(piece);
      length += piece.length;
      return this;
    }

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

  /**
   * {@code preference.jsonl}: TRL's conversational preference format, {@code {"prompt":[...],
   * "chosen":[answer], "rejected":[answer]}}.
   */
  static byte[] preference(Target target, String chosen, String rejected) {
    return object(
        json -> {
          json.writeArrayFieldStart("prompt");
          prompt(json, target);
          json.writeEndArray();
          json.writeArrayFieldStart("chosen");
          message(json, Role.ASSISTANT, chosen);
          json.writeEndArray();
          json.writeArrayFieldStart("rejected");
          message(json, Role.ASSISTANT, rejected);
          json.writeEndArray();
        });
  }

  /**
   * {@code reflections.jsonl}: everything about one target, for people and reports. {@code filter}
   * is null for a target that reached the training files, else {@code {"reason","detail"}}.
   */
  static byte[] reflection(Target target, CacheEntry entry, Exclusion exclusion) {
    return object(
        json -> {
          location(json, target);
          json.writeStringField("question", target.question().content());
          json.writeStringField("original", target.originalAnswer().content());
          json.writeStringField("critique", entry.reflection().critique());
          json.writeStringField("answer", entry.reflection().answer());
          json.writeStringField("verdict", entry.reflection().verdict().wireName());
          if (!entry.reflection().evidence().isEmpty()) {
            json.writeArrayFieldStart("evidence");
            for (int turn : entry.reflection().evidence()) {
              json.writeNumber(turn);
            }
            json.writeEndArray();
          }
          json.writeStringField("model", entry.model());
          json.writeStringField("template", entry.template());
          json.writeStringField("key", entry.key());
          if (exclusion == null) {
            json.writeNullField("filter");
          } else {
            json.writeObjectFieldStart("filter");
            json.writeStringField("reason", exclusion.reason().wireName());
            json.writeStringField("detail", exclusion.detail());
            json.writeEndObject();
          }
        });
  }

  /** {@code failures.jsonl}: a target that has no reflection, and why. */
  static byte[] failure(Target target, String reason) {
    return object(
        json -> {
          location(json, target);
          json.writeStringField("reason", reason);
        });
  }

  private static void location(JsonGenerator json, Target target) throws IOException {
    json.writeStringField("source", target.conversation().sourceFile());
    json.writeStringField("conversation", target.conversation().id());
    json.writeNumberField("turn", target.index());
  }

  /** The history before K, then K. */
  private static void prompt(JsonGenerator json, Target target) throws IOException {
    for (Message m : target.history()) {
      message(json, m);
    }
    message(json, target.question());
  }

  private static void message(JsonGenerator json, Role role, String content) throws IOException {
    message(json, Message.of(role, content));
  }

  /**
   * A message in OpenAI's chat shape: role and content, then name, tool_calls and tool_call_id
   * where the message has them. Content is always a string (empty for a pure tool call): chat
   * templates of open models trip over a null content more often than over an empty one.
   */
  private static void message(JsonGenerator json, Message m) throws IOException {
    json.writeStartObject();
    json.writeStringField("role", m.role().wireName());
    json.writeStringField("content", m.content());
    if (m.name() != null) {
      json.writeStringField("name", m.name());
    }
    if (m.isToolCall()) { // OpenAI rejects an empty tool_calls array
      json.writeFieldName("tool_calls");
      json.writeTree(m.toolCalls());
    }
    if (m.toolCallId() != null) {
      json.writeStringField("tool_call_id", m.toolCallId());
    }
    json.writeEndObject();
  }

  private static byte[] object(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      body.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }
}
