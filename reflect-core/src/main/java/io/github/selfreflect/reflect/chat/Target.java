package io.github.selfreflect.reflect.chat;

import java.util.List;

/**
 * One assistant turn to reflect on: the assistant message at {@code index}, which answers the
 * user message at {@code index - 1} (the seed prompt's L and K), with at least one later exchange
 * to learn from.
 */
public record Target(Conversation conversation, int index) {

  /** K: the user message the target answers. */
  public Message question() {
    return conversation.messages().get(index - 1);
  }

  /** L: the logged answer being reflected on. */
  public Message originalAnswer() {
    return conversation.messages().get(index);
  }

  /** Everything before K (system prompt included), as the model saw it. */
  public List<Message> history() {
    return conversation.messages().subList(0, index - 1);
  }
}
