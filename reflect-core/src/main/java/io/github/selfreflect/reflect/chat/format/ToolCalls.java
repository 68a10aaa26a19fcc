package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds OpenAI {@code tool_calls} arrays from the {@code {"name", "arguments"}} objects that
 * LLaMA-Factory writes for a call ({@code function_call} turns in ShareGPT, {@code tool_call}
 * content parts in its v1 format), so that every tool call reaches the pipeline in one shape.
 *
 * <p>The calls get no {@code id} here: the source has none, and templates render the parsed calls
 * into prompts, so an id added here would move every cache key of a conversation with calls. The
 * dataset writer gives ids and links the tool answers when it writes ({@link
 * io.github.selfreflect.reflect.chat.ToolCallIds}).
 */
final class ToolCalls {

  private ToolCalls() {}

  /**
   * The calls that {@code text} holds: one {@code {"name", "arguments"}} object, or a non-empty
   * array of them (LLaMA-Factory's parallel calls). Null when the text is anything else, so that
   * the caller can keep it as plain text instead of failing on data that is merely unusual.
   */
  static ArrayNode parse(String text) {
    try {
      return of(ChatJson.readWhole(text));
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Like {@link #parse}, for a value that is already JSON rather than JSON in a string. */
  static ArrayNode of(JsonNode value) {
    ArrayNode calls = JsonNodeFactory.instance.arrayNode();
    if (isNameAndArguments(value)) {
      calls.add(function(value.get("name").textValue(), value.get("arguments")));
      return calls;
    }
    if (value != null && value.isArray() && !value.isEmpty()) {
      for (JsonNode element : value) {
        if (!isNameAndArguments(element)) {
          return null;
        }
        calls.add(function(element.get("name").textValue(), element.get("arguments")));
      }
      return calls;
    }
    return null;
  }

  /**
   * One OpenAI tool call: {@code {"type":"function","function":{"name":...,"arguments":...}}}.
   * OpenAI sends {@code arguments} as a JSON <em>string</em>; an object (as LLaMA-Factory writes
   * it) is serialized compactly, a string is kept as it is.
   */
  static ObjectNode function(String name, JsonNode arguments) {
    ObjectNode call = JsonNodeFactory.instance.objectNode();
    call.put("type", "function");
    ObjectNode function = call.putObject("function");
    function.put("name", name);
    function.put("arguments", arguments.isTextual() ? arguments.textValue() : arguments.toString());
    return call;
  }

  private static boolean isNameAndArguments(JsonNode node) {
    return node != null
        && node.isObject()
        && node.path("name").isTextual()
        && node.has("arguments");
  }
}
