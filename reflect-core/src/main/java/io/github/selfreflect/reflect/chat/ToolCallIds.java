package io.github.selfreflect.reflect.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Tool-call ids for the dataset files. OpenAI fine-tuning (and the chat templates that follow it)
 * wants an {@code id} on every call and, on every tool message, the {@code tool_call_id} of the
 * call it answers. ShareGPT {@code function_call} turns and OpenAI's legacy {@code function_call}
 * have neither, so the writers give each call without an id a deterministic one, {@code
 * call_<message index>_<call index>}, and link each tool message without a {@code tool_call_id}
 * to the next unanswered call of the nearest preceding assistant message that calls tools. Ids in
 * the source are kept as they are.
 *
 * <p>This happens only when the dataset files are written, never in the parsed {@link Message}:
 * templates render tool calls into prompts, and an id added there would change every prompt
 * with a call in it, hence its cache key, and make users pay again for replies they have.
 */
public final class ToolCallIds {

  private ToolCallIds() {}

  /** The id given to call {@code call} (0-based) of message {@code messageIndex} when it has none. */
  public static String generated(int messageIndex, int call) {
    return "call_" + messageIndex + "_" + call;
  }

  /**
   * {@code messages} with ids on every call and tool messages linked to the calls they answer;
   * the same list when nothing needed adding. A message's index in the list is the one its
   * generated ids name, so a prefix of a conversation gets the ids the whole one does.
   */
  public static List<Message> linked(List<Message> messages) {
    List<Message> linked = null;
    Deque<String> unanswered = new ArrayDeque<>();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      Message out = m;
      if (m.isToolCall() && m.toolCalls().isArray()) {
        JsonNode calls = withIds(m.toolCalls(), i);
        if (calls != m.toolCalls()) {
          out = new Message(m.role(), m.content(), calls, m.toolCallId(), m.name());
        }
        unanswered.clear();
        for (JsonNode call : calls) {
          JsonNode id = call.get("id");
          if (id != null && id.isTextual()) {
            unanswered.add(id.textValue());
          }
        }
      } else if (m.role() == Role.TOOL) {
        if (m.toolCallId() != null) {
          unanswered.remove(m.toolCallId());
        } else if (!unanswered.isEmpty()) {
          out = new Message(m.role(), m.content(), null, unanswered.removeFirst(), m.name());
        }
      }
      if (out != m) {
        if (linked == null) {
          linked = new ArrayList<>(messages);
        }
        linked.set(i, out);
      }
    }
    return linked == null ? messages : linked;
  }

  /**
   * {@code calls} (the {@code tool_calls} of the message at {@code messageIndex} of a written
   * record) without the ids {@link #linked} generated: the calls as the source had them. For
   * readers of the dataset files whose own keys were computed from the calls before ids were
   * added (the pairwise judge's cache).
   */
  public static JsonNode withoutGenerated(JsonNode calls, int messageIndex) {
    if (calls == null || !calls.isArray()) {
      return calls;
    }
    ArrayNode stripped = null;
    for (int n = 0; n < calls.size(); n++) {
      JsonNode call = calls.get(n);
      if (call.isObject() && generated(messageIndex, n).equals(call.path("id").textValue())) {
        if (stripped == null) {
          stripped = JsonNodeFactory.instance.arrayNode();
          for (int k = 0; k < n; k++) {
            stripped.add(calls.get(k));
          }
        }
        ObjectNode copy = ((ObjectNode) call).deepCopy();
        copy.remove("id");
        stripped.add(copy);
      } else if (stripped != null) {
        stripped.add(call);
      }
    }
    return stripped == null ? calls : stripped;
  }

  /** The calls with an id on each, new nodes only where one was missing; the parsed tree is shared. */
  private static JsonNode withIds(JsonNode calls, int messageIndex) {
    ArrayNode withIds = null;
    for (int n = 0; n < calls.size(); n++) {
      JsonNode call = calls.get(n);
      JsonNode id = call.get("id");
      boolean missing = call.isObject() && (id == null || id.isNull());
      if (missing && withIds == null) {
        withIds = JsonNodeFactory.instance.arrayNode();
        for (int k = 0; k < n; k++) {
          withIds.add(calls.get(k));
        }
      }
      if (missing) {
        // The id first, where OpenAI writes it; the call's own fields follow in their order.
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        copy.put("id", generated(messageIndex, n));
        for (Iterator<Map.Entry<String, JsonNode>> it = call.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          if (!field.getKey().equals("id")) {
            copy.set(field.getKey(), field.getValue());
          }
        }
        withIds.add(copy);
      } else if (withIds != null) {
        withIds.add(call);
      }
    }
    return withIds == null ? calls : withIds;
  }
}
