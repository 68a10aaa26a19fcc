package io.github.selfreflect.reflect.prompt.hindsight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Message;

/**
 * One turn of a conversation as one line of compact JSON: {@code {"turn":3,"role":"assistant",
 * "content":"..."}}, plus {@code tool_calls}, {@code tool_call_id} and {@code name} where the
 * message has them.
 *
 * <p>Why JSON: it is what makes chat content data rather than prompt. Inside a JSON string a
 * quote, a backslash and every line break are escaped, so a message cannot end its turn early,
 * cannot start a line of its own, and cannot forge a marker such as the elision line or the end of
 * the conversation, whatever it contains ({@code ]]]}, a fake reply, "ignore the above"). Non-ASCII
 * text stays as it is (not {@code \}{@code u} escaped): it costs fewer tokens and the model reads
 * the user's language directly. Field order is fixed, so the bytes are the same on every machine.
 */
final class TurnJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TurnJson() {}

  static String line(int turn, Message message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("turn", turn);
    node.put("role", message.role().wireName());
    if (message.name() != null) {
      node.put("name", message.name());
    }
    node.put("content", message.content());
    if (message.isToolCall()) {
      node.set("tool_calls", message.toolCalls());
    }
    if (message.toolCallId() != null) {
      node.put("tool_call_id", message.toolCallId());
    }
    return write(node);
  }

  /** The marker that stands for turns {@code from} to {@code to} (inclusive), left out for length. */
  static String elided(int from, int to) {
    ObjectNode node = MAPPER.createObjectNode();
    node.putObject("elided").put("from", from).put("to", to);
    return write(node);
  }

  /** A string as a JSON string literal, quotes included. */
  static String quote(String text) {
    return MAPPER.getNodeFactory().textNode(text).toString();
  }

  private static String write(ObjectNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }
}
