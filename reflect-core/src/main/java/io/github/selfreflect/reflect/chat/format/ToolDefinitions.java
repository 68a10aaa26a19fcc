package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the tools a record declares into OpenAI's shape, {@code {"type":"function",
 * "function":{...}}}, whichever way the record writes them. {@code tools} may be OpenAI's array or,
 * as LLaMA-Factory writes it in both its ShareGPT and its {@code messages} datasets, a string
 * holding a JSON array (an empty string for none); its entries may be in OpenAI's shape (kept as
 * they are) or bare function schemas (wrapped). OpenAI's legacy {@code functions} array follows,
 * each schema wrapped. A record that calls functions it does not declare teaches a model to call
 * at random, so a column that cannot be read is an error, not something to drop.
 */
final class ToolDefinitions {

  private static final String TOOLS = "tools";
  private static final String FUNCTIONS = "functions";

  private ToolDefinitions() {}

  /** The record's tools in OpenAI's shape, in the record's order; empty when it declares none. */
  static List<JsonNode> read(JsonNode record) {
    List<JsonNode> tools = new ArrayList<>();
    JsonNode declared = record.get(TOOLS);
    if (isPresent(declared)) {
      JsonNode entries = declared.isTextual() ? parse(declared) : declared;
      if (entries != null) {
        requireArray(entries, "'" + TOOLS + "' to be an array of tools (or a string holding one)");
        for (int i = 0; i < entries.size(); i++) {
          JsonNode tool =
              requireObject(
                  entries.get(i), TOOLS + "[" + i + "]", "{type, function} or a function schema");
          tools.add(isWrapped(tool) ? tool : wrap(tool));
        }
      }
    }
    JsonNode functions = record.get(FUNCTIONS);
    if (isPresent(functions)) {
      requireArray(functions, "'" + FUNCTIONS + "' to be an array of function schemas");
      for (int i = 0; i < functions.size(); i++) {
        tools.add(
            wrap(requireObject(functions.get(i), FUNCTIONS + "[" + i + "]", "a function schema")));
      }
    }
    return tools;
  }

  /** The JSON a {@code tools} string holds; null for a blank string (no tools). */
  private static JsonNode parse(JsonNode column) {
    if (column.textValue().isBlank()) {
      return null;
    }
    try {
      return ChatJson.readWhole(column.textValue());
    } catch (JsonProcessingException e) {
      throw new RecordProblem(
          "expected '"
              + TOOLS
              + "' to be a string holding a JSON array of function schemas, found "
              + ChatJson.describe(column)
              + ", which is not valid JSON ("
              + e.getOriginalMessage()
              + ")");
    }
  }

  private static boolean isPresent(JsonNode value) {
    return value != null && !value.isNull();
  }

  private static boolean isWrapped(JsonNode tool) {
    return tool.path("type").isTextual() && tool.path("function").isObject();
  }

  private static ObjectNode wrap(JsonNode function) {
    ObjectNode tool = JsonNodeFactory.instance.objectNode();
    tool.put("type", "function");
    tool.set("function", function);
    return tool;
  }

  private static void requireArray(JsonNode value, String expected) {
    if (!value.isArray()) {
      throw new RecordProblem("expected " + expected + ", found " + ChatJson.describe(value));
    }
  }

  private static JsonNode requireObject(JsonNode value, String path, String shape) {
    if (!value.isObject()) {
      throw new RecordProblem(
          "expected " + path + " to be an object " + shape + ", found " + ChatJson.describe(value));
    }
    return value;
  }
}
