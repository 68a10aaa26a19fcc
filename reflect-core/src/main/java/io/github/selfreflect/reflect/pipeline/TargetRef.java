package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.chat.Target;

/**
 * A target named the way a user finds it: file, line of the record, conversation id, turn.
 *
 * @param source the chat file relative to the chats directory
 * @param line the line on which the conversation's record starts
 * @param conversationId the conversation's id
 * @param turn the index of the assistant message in the conversation
 */
public record TargetRef(String source, long line, String conversationId, int turn) {

  static TargetRef of(Target target) {
    return new TargetRef(
        target.conversation().sourceFile(),
        target.conversation().line(),
        target.conversation().id(),
        target.index());
  }

  @Override
  public String toString() {
    return source + ":" + line + " conversation " + conversationId + " turn " + turn;
  }
}
