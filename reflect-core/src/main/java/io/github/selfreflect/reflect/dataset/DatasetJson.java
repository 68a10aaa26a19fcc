package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.ToolCallIds;
import io.github.selfreflect.reflect.filter.Exclusion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The records of the dataset files, one compact JSON object each, keys written in a fixed order
 * by hand (never through a map or bean introspection) so that the same input always gives the
 * same bytes.
 *
 * <p>Each record exists twice here: generated field by field through Jackson (the definition,
 * kept simple), and assembled from {@link RecordPieces} (what the writer uses). A warm build
 * writes every record of a large corpus, and generating them serialised the same texts again and
 * again: each message of a conversation once per later target, the new answer three times. The
 * tests hold the two forms to the same bytes.
 *
 * <p><b>Weights.</b> Every assistant message of an {@code sft.jsonl} record carries OpenAI's
 * {@code "weight"}: 0 on the history's answers, 1 on the final answer. The history is the log as
 * it was, and some of its answers are the very answers reflection found wanting (an earlier
 * target of the same conversation); OpenAI fine-tuning trains on every assistant message that
 * does not say {@code "weight": 0}, and axolotl reads the same key ({@code
 * message_field_training: weight}). Every assistant message has the key, so a loader that infers
 * one schema for the file (pyarrow, {@code datasets}) sees the same fields in every record.
 * {@code preference.jsonl} has no weights: its prompt is context to a preference trainer, only
 * chosen and rejected are learned from.
 *
 * <p><b>Tools.</b> A conversation that declares tools has them in every record, {@code
 * "tools":[{"type":"function","function":{...}}, ...]} after the last array ({@code messages},
 * {@code rejected}), where OpenAI fine-tuning and TRL look; a record without tools has no key.
 * Every tool call has an {@code id} and every tool message the {@code tool_call_id} of its call:
 * ids the source lacks are made up when writing ({@link ToolCallIds}), never in the parsed
 * messages that prompts (and so cache keys) are made from.
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

  // The fixed text between the pieces of assembled records.
  private static final byte[] SFT_START = JsonLine.ascii("{\"messages\":[");
  private static final byte[] TRAINED_ANSWER =
      JsonLine.ascii(",{\"role\":\"assistant\",\"content\":");
  private static final byte[] TRAINED_ANSWER_END = JsonLine.ascii(",\"weight\":1}]");
  private static final byte[] PREFERENCE_START = JsonLine.ascii("{\"prompt\":[");
  private static final byte[] CHOSEN = JsonLine.ascii("],\"chosen\":[");
  private static final byte[] REJECTED = JsonLine.ascii("],\"rejected\":[");
  private static final byte[] ARRAY_END = JsonLine.ascii("]");
  private static final byte[] OBJECT_END = JsonLine.ascii("}");
  /** Before the conversation's tool definitions, after the messages (see {@link #tools}). */
  static final byte[] TOOLS = JsonLine.ascii(",\"tools\":");
  private static final byte[] COMMA = JsonLine.ascii(",");
  private static final byte[] SOURCE = JsonLine.ascii("{\"source\":");
  private static final byte[] CONVERSATION = JsonLine.ascii(",\"conversation\":");
  private static final byte[] TURN = JsonLine.ascii(",\"turn\":");
  private static final byte[] QUESTION = JsonLine.ascii(",\"question\":");
  private static final byte[] ORIGINAL = JsonLine.ascii(",\"original\":");
  private static final byte[] CRITIQUE = JsonLine.ascii(",\"critique\":");
  private static final byte[] ANSWER = JsonLine.ascii(",\"answer\":");
  private static final byte[] VERDICT = JsonLine.ascii(",\"verdict\":");
  private static final byte[] EVIDENCE = JsonLine.ascii(",\"evidence\":[");
  private static final byte[] EVIDENCE_END_MODEL = JsonLine.ascii("],\"model\":");
  private static final byte[] TEMPLATE = JsonLine.ascii(",\"template\":");
  private static final byte[] KEY = JsonLine.ascii(",\"key\":");
  private static final byte[] NO_FILTER = JsonLine.ascii(",\"filter\":null}");
  private static final byte[] FILTER_REASON = JsonLine.ascii(",\"filter\":{\"reason\":");
  private static final byte[] FILTER_DETAIL = JsonLine.ascii(",\"detail\":");
  private static final byte[] FILTER_END = JsonLine.ascii("}}");

  /** OpenAI's {@code weight} of an assistant message: context only, or trained on. */
  private static final Integer UNTRAINED = 0;

  private static final Integer TRAINED = 1;

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private DatasetJson() {}

  /**
   * {@code sft.jsonl}: {@code {"messages":[...history, K, answer]}}, the conversational format of
   * OpenAI fine-tuning and TRL's SFTTrainer; the history's assistant messages with {@code
   * "weight":0}, the answer with {@code "weight":1} (see the class comment).
   */
  static byte[] sft(Target target, String answer) {
    return object(
        json -> {
          json.writeArrayFieldStart("messages");
          prompt(json, target, true);
          message(json, Message.of(Role.ASSISTANT, answer), TRAINED);
          json.writeEndArray();
          tools(json, target.conversation());
        });
  }

  /**
   * {@link #sft}, assembled from pieces serialised once: the same bytes, but each message of a
   * conversation is written once rather than once for every later target.
   *
   * @param answer the answer's content as a literal of {@link RecordPieces#literal}
   */
  static JsonLine sft(Target target, byte[] answer, RecordPieces pieces) {
    JsonLine line = new JsonLine().add(SFT_START);
    for (int i = 0; i < target.index(); i++) {
      if (i > 0) {
        line.add(COMMA);
      }
      line.add(pieces.sftHistoryMessage(target.conversation(), i));
    }
    return line.add(TRAINED_ANSWER)
        .add(answer)
        .add(TRAINED_ANSWER_END)
        .add(pieces.tools(target.conversation()))
        .add(OBJECT_END);
  }

  /** {@link #preference}, assembled like {@link #sft(Target, byte[], RecordPieces)}. */
  static JsonLine preference(Target target, byte[] chosen, byte[] rejected, RecordPieces pieces) {
    JsonLine line = new JsonLine().add(PREFERENCE_START);
    prompt(line, target, pieces);
    return line.add(CHOSEN)
        .add(chosen)
        .add(REJECTED)
        .add(rejected)
        .add(ARRAY_END)
        .add(pieces.tools(target.conversation()))
        .add(OBJECT_END);
  }

  private static void prompt(JsonLine line, Target target, RecordPieces pieces) {
    for (int i = 0; i < target.index(); i++) {
      if (i > 0) {
        line.add(COMMA);
      }
      line.add(pieces.message(target.conversation(), i));
    }
  }

  /**
   * {@link #reflection(Target, CacheEntry, Exclusion)}, assembled from pieces serialised once:
   * the question and original from the conversation's, the new answer from the literal the
   * training records use too.
   *
   * @param answer the new answer ({@code entry.reflection().answer()}) as a literal
   */
  static JsonLine reflection(
      Target target, CacheEntry entry, Exclusion exclusion, byte[] answer, RecordPieces pieces) {
    Conversation c = target.conversation();
    JsonLine line =
        new JsonLine()
            .add(SOURCE)
            .add(pieces.literal(c.sourceFile()))
            .add(CONVERSATION)
            .add(pieces.literal(c.id()))
            .add(TURN)
            .add(JsonLine.ascii(Integer.toString(target.index())))
            .add(QUESTION)
            .add(pieces.content(c, target.index() - 1))
            .add(ORIGINAL)
            .add(pieces.content(c, target.index()))
            .add(CRITIQUE)
            .add(pieces.literal(entry.reflection().critique()))
            .add(ANSWER)
            .add(answer)
            .add(VERDICT)
            .add(pieces.literal(entry.reflection().verdict().wireName()))
            .add(EVIDENCE); // always there, [] when the reply named no turns
    List<Integer> evidence = entry.reflection().evidence();
    for (int i = 0; i < evidence.size(); i++) {
      line.add(JsonLine.ascii((i > 0 ? "," : "") + evidence.get(i)));
    }
    line.add(EVIDENCE_END_MODEL)
        .add(pieces.literal(entry.model()))
        .add(TEMPLATE)
        .add(pieces.literal(entry.template()))
        .add(KEY)
        .add(pieces.literal(entry.key()));
    if (exclusion == null) {
      return line.add(NO_FILTER);
    }
    return line.add(FILTER_REASON)
        .add(pieces.literal(exclusion.reason().wireName()))
        .add(FILTER_DETAIL)
        .add(pieces.literal(exclusion.detail()))
        .add(FILTER_END);
  }

  /** One message as a JSON object without a weight, exactly as it appears inside a record. */
  static byte[] messageBytes(Message m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + m.content().length());
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      message(json, m, null);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * The tool definitions of a conversation as a JSON array, exactly as {@link #tools(JsonGenerator,
   * Conversation)} writes them inside a record: {@link RecordPieces} puts {@link #TOOLS} before it.
   */
  static byte[] toolsArrayBytes(List<JsonNode> tools) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * tools.size());
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      toolsArray(json, tools);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * {@code preference.jsonl}: TRL's conversational preference format, {@code {"prompt":[...],
   * "chosen":[answer], "rejected":[answer]}}, then {@code "tools"} as in {@link #sft}.
   */
  static byte[] preference(Target target, String chosen, String rejected) {
    return object(
        json -> {
          json.writeArrayFieldStart("prompt");
          prompt(json, target, false);
          json.writeEndArray();
          json.writeArrayFieldStart("chosen");
          message(json, Role.ASSISTANT, chosen);
          json.writeEndArray();
          json.writeArrayFieldStart("rejected");
          message(json, Role.ASSISTANT, rejected);
          json.writeEndArray();
          tools(json, target.conversation());
        });
  }

  /**
   * {@code reflections.jsonl}: everything about one target, for people and reports. Every row has
   * every key: {@code evidence} is {@code []} when the reply named no turns (the seed template
   * never asks), {@code filter} is null for a target that reached the training files, else {@code
   * {"reason","detail"}}.
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
          json.writeArrayFieldStart("evidence");
          for (int turn : entry.reflection().evidence()) {
            json.writeNumber(turn);
          }
          json.writeEndArray();
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

  /**
   * The history before K, then K.
   *
   * @param weighted whether assistant messages say {@code "weight":0} (in {@code sft.jsonl})
   */
  private static void prompt(JsonGenerator json, Target target, boolean weighted)
      throws IOException {
    // The messages as written: calls with ids, tool answers linked to them (ToolCallIds).
    List<Message> messages = ToolCallIds.linked(target.conversation().messages());
    for (int i = 0; i < target.index() - 1; i++) {
      Message m = messages.get(i);
      message(json, m, weighted && m.role() == Role.ASSISTANT ? UNTRAINED : null);
    }
    message(json, messages.get(target.index() - 1), null);
  }

  /**
   * {@code "tools":[...]}, the functions the conversation declares, after the messages: OpenAI's
   * chat fine-tuning format, TRL's {@code tools} column and the chat templates that render
   * function definitions all read them there. Nothing when it declares none, so that a record
   * without tools keeps the bytes it always had.
   */
  private static void tools(JsonGenerator json, Conversation c) throws IOException {
    if (!c.tools().isEmpty()) {
      json.writeFieldName("tools");
      toolsArray(json, c.tools());
    }
  }

  private static void toolsArray(JsonGenerator json, List<JsonNode> tools) throws IOException {
    json.writeStartArray();
    for (JsonNode tool : tools) {
      json.writeTree(tool);
    }
    json.writeEndArray();
  }

  private static void message(JsonGenerator json, Role role, String content) throws IOException {
    message(json, Message.of(role, content), null);
  }

  /**
   * A message in OpenAI's chat shape: role and content, then name, tool_calls and tool_call_id
   * where the message has them, then the weight if one is given. Content is always a string
   * (empty for a pure tool call): chat templates of open models trip over a null content more
   * often than over an empty one.
   *
   * @param weight OpenAI's {@code weight} (0: context, 1: trained on), or null for none
   */
  private static void message(JsonGenerator json, Message m, Integer weight) throws IOException {
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
    if (weight != null) {
      json.writeNumberField("weight", weight);
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
