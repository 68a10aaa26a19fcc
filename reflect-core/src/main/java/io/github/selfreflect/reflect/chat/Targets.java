package io.github.selfreflect.reflect.chat;

import java.util.ArrayList;
import java.util.List;

/** Finds the turns of a conversation that hindsight can improve. */
public final class Targets {

  private Targets() {}

  /**
   * Every assistant message that answers a user message in text (not a tool call) and is followed
   * by at least one later user message: the later exchange is the hindsight. A conversation that
   * opens with the model, or has a system prompt, works: those messages are simply history.
   */
  public static List<Target> of(Conversation conversation) {
    List<Message> messages = conversation.messages();
    int lastUser = -1;
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        lastUser = i;
        break;
      }
    }
    List<Target> targets = new ArrayList<>();
    for (int i = 1; i < lastUser; i++) {
      Message answer = messages.get(i);
      if (answer.role() == Role.ASSISTANT
          && !answer.isToolCall()
          && messages.get(i - 1).role() == Role.USER) {
        targets.add(new Target(conversation, i));
      }
    }
    return targets;
  }
}
