package io.github.selfreflect.reflect.prompt;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import java.util.List;

/**
 * Turns one target of a conversation into the messages sent to the reflecting model, and the
 * model's reply back into a {@link Reflection}.
 *
 * <p>Implementations are stateless and thread-safe. {@link #render} must be a pure function of
 * its arguments: its output is part of the cache key, so the same input must give the same
 * characters on every machine and every day.
 */
public interface PromptTemplate {

  /** The name users select it by ({@code reflect.template}), e.g. {@code seed}. */
  String id();

  /**
   * A digest of everything in the template that shapes a request or the reading of a reply
   * (instruction text, layout version). It enters the cache key: changing the template changes
   * it, and so re-reflects everything.
   */
  String fingerprint();

  /**
   * The request messages for the target at {@code targetIndex}: the index in {@link
   * Conversation#messages()} of the assistant message to reflect on (the user message it answers
   * is at {@code targetIndex - 1}).
   */
  List<Message> render(Conversation conversation, int targetIndex);

  /**
   * Parses and checks the model's reply for that target.
   *
   * @throws InvalidReplyException when the reply is unusable; the message says why in a way a
   *     user can act on
   */
  Reflection parse(String replyContent, Conversation conversation, int targetIndex)
      throws InvalidReplyException;
}
