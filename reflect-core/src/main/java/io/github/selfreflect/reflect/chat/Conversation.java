package io.github.selfreflect.reflect.chat;

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
 */
public record Conversation(String id, String sourceFile, long line, List<Message> messages) {

  public Conversation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sourceFile, "sourceFile");
    messages = List.copyOf(messages);
  }
}
