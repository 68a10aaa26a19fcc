package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns an OpenAI message {@code content} into the text of a {@link
 * io.github.selfreflect.reflect.chat.Message}.
 *
 * <p>{@code content} may be a string, null (an assistant message that only calls tools), or an
 * array of parts. Text parts are joined with {@code "\n"}. <strong>This is lossy:</strong> a part
 * that is not text ({@code image_url}, {@code input_audio}, {@code file}, LLaMA-Factory's {@code
 * reasoning}, ...) becomes a placeholder such as {@code [image_url]}, which keeps the text readable
 * and shows the reflecting model that something was there, but the image, audio or reasoning itself
 * is not carried. A LLaMA-Factory {@code tool_call} part whose value is a {@code {"name",
 * "arguments"}} object is not lost: it becomes a tool call.
 *
 * <p>A text part's text is read from {@code text} (OpenAI) or, failing that, {@code value}
 * (LLaMA-Factory's v1 format). A bare string in the array counts as a text part.
 */
final class ContentParts {

  /** The text of a message, and the tool calls its parts held (null when none). */
  record Content(String text, ArrayNode toolCalls) {}

  private ContentParts() {}

  /**
   * @param content the message's {@code content}; null when the key is missing
   * @param path where the content sits in the record, for problems
   */
  static Content read(JsonNode content, String path) {
    if (content == null || content.isNull()) {
      return new Content("", null);
    }
    if (content.isTextual()) {
      return new Content(content.textValue(), null);
    }
    if (!content.isArray()) {
      throw new RecordProblem(
          "expected "
              + path
              + " to be a string, null or an array of parts, found "
              + ChatJson.describe(content));
    }
    List<String> pieces = new ArrayList<>(content.size());
    ArrayNode toolCalls = null;
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String partPath = path + "[" + i + "]";
      if (part.isTextual()) {
        pieces.add(part.textValue());
        continue;
      }
      if (!part.isObject()) {
        throw new RecordProblem(
            "expected "
                + partPath
                + " to be a part object or a string, found "
                + ChatJson.describe(part));
      }
      String type = partType(part, partPath);
      if (type.equals("text")) {
        pieces.add(partText(part, partPath));
        continue;
      }
      ArrayNode calls = type.equals("tool_call") ? toolCallsOf(part) : null;
      if (calls != null) {
        if (toolCalls == null) {
          toolCalls = JsonNodeFactory.instance.arrayNode();
        }
        toolCalls.addAll(calls);
      } else {
        pieces.add("[" + type + "]");
      }
    }
    return new Content(String.join("\n", pieces), toolCalls);
  }

  private static String partType(JsonNode part, String partPath) {
    JsonNode type = part.get("type");
    if (type == null && part.path("text").isTextual()) {
      return "text"; // {"text": "..."} without a type is still plainly text
    }
    if (type == null || !type.isTextual()) {
      throw new RecordProblem(
          "expected " + partPath + ".type to be a string, found " + ChatJson.describe(type));
    }
    return type.textValue().toLowerCase(Locale.ROOT);
  }

  private static String partText(JsonNode part, String partPath) {
    JsonNode text = part.get("text");
    if (text == null) {
      text = part.get("value");
    }
    if (text == null || !text.isTextual()) {
      throw new RecordProblem(
          "expected " + partPath + ".text to be a string, found " + ChatJson.describe(text));
    }
    return text.textValue();
  }

  private static ArrayNode toolCallsOf(JsonNode part) {
    JsonNode value = part.get("value");
    if (value == null) {
      return null;
    }
    return value.isTextual() ? ToolCalls.parse(value.textValue()) : ToolCalls.of(value);
  }
}
