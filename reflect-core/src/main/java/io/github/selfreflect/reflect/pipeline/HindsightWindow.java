package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.util.List;

/**
 * How much of what came after a target the reflecting model is shown ({@code reflect.window}).
 *
 * <p>With a window of N, the conversation given to the template ends after the N-th exchange that
 * follows the target (an exchange is a user message and everything up to the next user message);
 * with {@link #ALL}, it is the whole conversation. The cut is made before rendering, so it shows
 * in the request and therefore in the cache key, and nowhere else: the key's definition is
 * unchanged, and a target whose conversation ends within its window has the same key with or
 * without a window.
 *
 * <p>The trade-off: a window keeps the reflections of older targets valid when turns are appended
 * to a conversation (a log that grows every day re-reflects only its last N targets, not all of
 * them), and keeps prompts short; but the model no longer sees hindsight further than N exchanges
 * ahead, so a mistake that only shows later (the user comes back to it ten turns on) goes unseen.
 */
public final class HindsightWindow {

  /** Shows everything after the target. */
  public static final int ALL = 0;

  private HindsightWindow() {}

  /**
   * The part of {@code conversation} the template sees for the target at {@code targetIndex}.
   *
   * @param exchanges how many exchanges after the target to keep; {@link #ALL} (or less) keeps all
   */
  public static Conversation apply(Conversation conversation, int targetIndex, int exchanges) {
    if (exchanges <= ALL) {
      return conversation;
    }
    List<Message> messages = conversation.messages();
    int seen = 0;
    for (int i = targetIndex + 1; i < messages.size(); i++) {
      if (messages.get(i).role() == Role.USER && ++seen > exchanges) {
        return new Conversation(
            conversation.id(),
            conversation.sourceFile(),
            conversation.line(),
            messages.subList(0, i),
            conversation.tools());
      }
    }
    return conversation;
  }
}
