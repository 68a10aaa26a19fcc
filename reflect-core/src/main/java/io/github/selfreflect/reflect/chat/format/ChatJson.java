package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/** The one Jackson configuration the readers share, and the wording of "found ..." in problems. */
final class ChatJson {

  /**
   * Strict JSON (no comments, no NaN): a chat file that only parses leniently would be read
   * differently by other tools. Properties are written sorted so that {@link #canonical} does not
   * depend on the key order of the file.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  /**
   * For text that must be exactly one JSON value: trailing tokens fail, so that two records on one
   * JSONL line are an error rather than a silently dropped second record. (Not for the streaming
   * parser, where the next record is exactly what follows a record.)
   */
  private static final ObjectReader WHOLE_VALUE =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final int MAX_QUOTED_CHARS = 40;
  private static final int MAX_LISTED_KEYS = 5;

  private ChatJson() {}

  /** Parses {@code text} as one JSON value and nothing after it. */
  static JsonNode readWhole(String text) throws JsonProcessingException {
    return WHOLE_VALUE.readTree(text);
  }

  /** Compact JSON with sorted keys: equal for records that differ only in layout or key order. */
  static String canonical(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree read from JSON can always be written back", e);
    }
  }

  /**
   * Says what a problem "found", short enough for one line of a build log: strings are quoted and
   * cut, containers are named rather than printed. {@code null} stands for a missing key.
   */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing (the key is missing)";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      String text = node.textValue();
      return text.length() <= MAX_QUOTED_CHARS
          ? TextNode.valueOf(text).toString()
          : TextNode.valueOf(text.substring(0, MAX_QUOTED_CHARS)).toString() + "...";
    }
    if (node.isNumber()) {
      return "the number " + node.asText();
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    if (node.isArray()) {
      return node.isEmpty() ? "an empty array" : "an array";
    }
    if (node.isObject()) {
      return node.isEmpty() ? "an empty object" : "an object with keys " + keys(node);
    }
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String keys(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    if (names.size() > MAX_LISTED_KEYS) {
      List<String> shown = new ArrayList<>(names.subList(0, MAX_LISTED_KEYS));
      shown.add("...");
      names = shown;
    }
    return names.toString();
  }
}
