package io.github.selfreflect.reflect.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One message of a conversation.
 *
 * <p>{@code content} is the message's text (parts of a multi-part content array joined in order;
 * never null, possibly empty). Tool traffic is kept so that the history written to the dataset is
 * the history the model saw: an assistant message that calls tools carries them in {@code
 * toolCalls} (the OpenAI {@code tool_calls} array, as read), a {@link Role#TOOL} message carries
 * the {@code toolCallId} it answers and optionally the tool's {@code name}.
 *
 * @param role who wrote it
 * @param content its text, never null
 * @param toolCalls the OpenAI {@code tool_calls} array of an assistant message, or null
 * @param toolCallId the id of the call a tool message answers, or null
 * @param name the optional {@code name} of the author (a tool's or function's name), or null
 */
public record Message(Role role, String content, JsonNode toolCalls, String toolCallId, String name) {

  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  /** A plain text message. */
  public static Message of(Role role, String content) {
    return new Message(role, content, null, null, null);
  }

  /** True for an assistant message that calls tools rather than answering in text. */
  public boolean isToolCall() {
    return toolCalls != null && !toolCalls.isEmpty();
  }
}
