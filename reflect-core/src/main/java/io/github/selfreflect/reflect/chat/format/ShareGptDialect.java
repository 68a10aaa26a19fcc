package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ShareGPT records: {@code {"id"?, "system"?, "conversations": [{"from", "value"}, ...]}}, as
 * FastChat, axolotl and LLaMA-Factory write them.
 *
 * <p>Speaker names differ between tools, so {@code from} is matched case-insensitively against all
 * the common ones. LLaMA-Factory's extensions are understood: a top-level {@code system} string is
 * the system prompt (a {@code system} turn at the start of the conversation wins, as in
 * LLaMA-Factory), {@code observation} is a tool answer, and {@code function_call} is an assistant
 * message that calls a tool. The {@code tools} column (a JSON array of function schemas in a
 * string) is read by {@link ToolDefinitions} and written to the dataset files in OpenAI's shape.
 * Neither calls nor tool answers have ids in ShareGPT; the dataset writer gives them ({@link
 * io.github.selfreflect.reflect.chat.ToolCallIds}), the parsed messages stay as read so that
 * prompts and cache keys do not move. Other keys ({@code chosen}, {@code rejected}, ...) are
 * ignored: a {@link io.github.selfreflect.reflect.chat.Conversation} has no place for them.
 */
final class ShareGptDialect {

  /** The key that marks a record as ShareGPT. */
  static final String KEY = "conversations";

  private static final String FUNCTION_CALL = "function_call";

  /** Every accepted {@code from}, in the order problems list them. */
  private static final Map<String, Role> ROLES = roles();

  private ShareGptDialect() {}

  private static Map<String, Role> roles() {
    Map<String, Role> roles = new LinkedHashMap<>();
    for (String user : List.of("human", "user")) {
      roles.put(user, Role.USER);
    }
    for (String model : List.of("gpt", "assistant", "chatgpt", "bing", "bard", "model")) {
      roles.put(model, Role.ASSISTANT);
    }
    roles.put("system", Role.SYSTEM);
    for (String tool : List.of("tool", "observation", "function_response")) {
      roles.put(tool, Role.TOOL);
    }
    roles.put(FUNCTION_CALL, Role.ASSISTANT);
    return Collections.unmodifiableMap(roles);
  }

  static List<Message> messages(JsonNode record) {
    JsonNode turns = record.get(KEY);
    if (!turns.isArray()) {
      throw new RecordProblem(
          "expected '"
              + KEY
              + "' to be an array of {from, value}, found "
              + ChatJson.describe(turns));
    }
    if (turns.isEmpty()) {
      throw new RecordProblem(
          "expected at least one message in '" + KEY + "', found an empty array");
    }
    List<Message> messages = new ArrayList<>(turns.size() + 1);
    String system = systemColumn(record);
    if (system != null && !system.isEmpty() && !startsWithSystemTurn(turns)) {
      messages.add(Message.of(Role.SYSTEM, system));
    }
    for (int i = 0; i < turns.size(); i++) {
      messages.add(message(turns.get(i), KEY + "[" + i + "]"));
    }
    return messages;
  }

  private static Message message(JsonNode turn, String path) {
    if (!turn.isObject()) {
      throw new RecordProblem(
          "expected " + path + " to be an object {from, value}, found " + ChatJson.describe(turn));
    }
    JsonNode from = turn.get("from");
    if (from == null || !from.isTextual()) {
      throw new RecordProblem(
          "expected " + path + ".from to be a string, found " + ChatJson.describe(from));
    }
    String speaker = from.textValue().toLowerCase(Locale.ROOT);
    Role role = ROLES.get(speaker);
    if (role == null) {
      throw new RecordProblem(
          "expected "
              + path
              + ".from to be one of "
              + String.join(", ", ROLES.keySet())
              + " (any case), found "
              + ChatJson.describe(from));
    }
    JsonNode value = turn.get("value");
    if (value == null || !value.isTextual()) {
      throw new RecordProblem(
          "expected " + path + ".value to be a string, found " + ChatJson.describe(value));
    }
    if (speaker.equals(FUNCTION_CALL)) {
      ArrayNode calls = ToolCalls.parse(value.textValue());
      if (calls != null) {
        return new Message(Role.ASSISTANT, "", calls, null, null);
      }
      // Not {"name", "arguments"}: keep what the model wrote rather than drop or reject it.
    }
    return Message.of(role, value.textValue());
  }

  private static String systemColumn(JsonNode record) {
    JsonNode system = record.get("system");
    if (system == null || system.isNull()) {
      return null;
    }
    if (!system.isTextual()) {
      throw new RecordProblem(
          "expected 'system' to be a string, found " + ChatJson.describe(system));
    }
    return system.textValue();
  }

  private static boolean startsWithSystemTurn(JsonNode turns) {
    return turns.get(0).path("from").asText().equalsIgnoreCase("system");
  }
}
