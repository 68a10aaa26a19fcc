package io.github.selfreflect.reflect.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One conversation as read from a chat file.
 *
 * @param id stable across runs: the record's own id when it has one, otherwise derived from the
 *     source file and the content
 * @param sourceFile the file's path relative to the chats directory, with {@code /} separators
 * @param line the 1-based line on which the record starts in its file (for messages to the user)
 * @param messages the messages in order; never empty
 * @param tools the tools the record declares, each in OpenAI's shape {@code {"type":"function",
 *     "function":{name, description, parameters}}}, in the record's order; empty (never null) when
 *     it declares none. Only the dataset files carry them (a model trained on calls must see what
 *     it may call); prompts never show them, so they take no part in a cache key.
 */
public record Conversation(
    String id, String sourceFile, long line, List<Message> messages, List<JsonNode> tools) {

  public Conversation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sourceFile, "sourceFile");
    messages = List.copyOf(messages);
    tools = tools == null ? List.of() : List.copyOf(tools);
  }

  /** A conversation that declares no tools. */
  public Conversation(String id, String sourceFile, long line, List<Message> messages) {
    this(id, sourceFile, line, messages, List.of());
  }
}
