package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI chat records: {@code {"messages": [{"role", "content", "tool_calls"?, "tool_call_id"?,
 * "name"?}, ...]}}, the fine-tuning JSONL layout that OpenAI, TRL, axolotl and LLaMA-Factory share.
 *
 * <p>{@code content} may be a string, null or missing (an assistant turn that only calls tools;
 * read as {@code ""}), or an array of parts, which {@link ContentParts} flattens (lossily, for
 * non-text parts). {@code tool_calls} is kept as read. The deprecated {@code function_call} of an
 * assistant message becomes a tool call too, so that older logs keep their tool traffic, and the
 * deprecated {@code function} role a tool message. The record's {@code tools} (and legacy {@code
 * functions}) are read by {@link ToolDefinitions} and written to the dataset files; calls without an
 * {@code id} and tool messages without a {@code tool_call_id} stay so here and get them only there
 * ({@link io.github.selfreflect.reflect.chat.ToolCallIds}), so prompts and cache keys do not move.
 * Other keys ({@code label}, {@code images}, {@code loss_weight}, ...) are ignored, a message's
 * {@code weight} too: every assistant answer with a later user turn is a target whatever its
 * weight, and the {@code sft.jsonl} written sets the weights afresh (0 for history, 1 for the answer).
 */
final class OpenAiDialect {

  /** The key that marks a record as OpenAI chat. */
  static final String KEY = "messages";

  /** Every accepted {@code role}, in the order problems list them. */
  private static final Map<String, Role> ROLES = roles();

  private OpenAiDialect() {}

  private static Map<String, Role> roles() {
    Map<String, Role> roles = new LinkedHashMap<>();
    roles.put("system", Role.SYSTEM);
    roles.put("developer", Role.SYSTEM); // OpenAI's name for system in newer models
    roles.put("user", Role.USER);
    roles.put("assistant", Role.ASSISTANT);
    roles.put("tool", Role.TOOL);
    roles.put("function", Role.TOOL); // the answer to a deprecated function_call
    return Collections.unmodifiableMap(roles);
  }

  static List<Message> messages(JsonNode record) {
    JsonNode entries = record.get(KEY);
    if (!entries.isArray()) {
      throw new RecordProblem(
          "expected '"
              + KEY
              + "' to be an array of {role, content}, found "
              + ChatJson.describe(entries));
    }
    if (entries.isEmpty()) {
      throw new RecordProblem(
          "expected at least one message in '" + KEY + "', found an empty array");
    }
    List<Message> messages = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      messages.add(message(entries.get(i), KEY + "[" + i + "]"));
    }
    return messages;
  }

  private static Message message(JsonNode entry, String path) {
    if (!entry.isObject()) {
      throw new RecordProblem(
          "expected "
              + path
              + " to be an object {role, content}, found "
              + ChatJson.describe(entry));
    }
    JsonNode roleName = entry.get("role");
    if (roleName == null || !roleName.isTextual()) {
      throw new RecordProblem(
          "expected " + path + ".role to be a string, found " + ChatJson.describe(roleName));
    }
    Role role = ROLES.get(roleName.textValue().toLowerCase(Locale.ROOT));
    if (role == null) {
      throw new RecordProblem(
          "expected "
              + path
              + ".role to be one of "
              + String.join(", ", ROLES.keySet())
              + " (any case), found "
              + ChatJson.describe(roleName));
    }
    ContentParts.Content content = ContentParts.read(entry.get("content"), path + ".content");
    JsonNode toolCalls = toolCalls(entry, path, content.toolCalls(), entry.get("function_call"));
    return new Message(
        role,
        content.text(),
        toolCalls,
        optionalString(entry, "tool_call_id", path),
        optionalString(entry, "name", path));
  }

  /**
   * The message's {@code tool_calls} exactly as read when that is all there is; a new array only
   * when content parts or a legacy {@code function_call} add calls of their own.
   */
  private static JsonNode toolCalls(
      JsonNode entry, String path, ArrayNode fromParts, JsonNode functionCall) {
    JsonNode declared = entry.get("tool_calls");
    if (declared != null && declared.isNull()) {
      declared = null;
    }
    if (declared != null && !declared.isArray()) {
      throw new RecordProblem(
          "expected " + path + ".tool_calls to be an array, found " + ChatJson.describe(declared));
    }
    ArrayNode legacy =
        functionCall != null && !functionCall.isNull() ? ToolCalls.of(functionCall) : null;
    if (fromParts == null && legacy == null) {
      return declared;
    }
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    if (declared != null) {
      all.addAll((ArrayNode) declared);
    }
    if (fromParts != null) {
      all.addAll(fromParts);
    }
    if (legacy != null) {
      all.addAll(legacy);
    }
    return all;
  }

  private static String optionalString(JsonNode entry, String key, String path) {
    JsonNode value = entry.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new RecordProblem(
          "expected " + path + "." + key + " to be a string, found " + ChatJson.describe(value));
    }
    return value.textValue();
  }
}
