package io.github.selfreflect.reflect.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one target of a conversation into the messages sent to the reflecting model, and the
 * model's reply back into a {@link Reflection}.
 *
 * <p>Implementations are stateless and thread-safe. {@link #render} must be a pure function of
 * its arguments: its output is part of the cache key, so the same input must give the same
 * characters on every machine and every day.
 *
 * <p>The methods with defaults extend the contract for templates that can do more than the
 * original: reply with a JSON Schema ({@link #replySchema}), reflect on several targets of one
 * conversation in one request ({@link #maxTargetsPerRequest}, {@link #render(Conversation,
 * List)}, {@link #parseEach}), and fit a prompt budget ({@link #withMaxPromptTokens}). Their
 * defaults describe a template that does none of it, like {@code seed}: one target per request,
 * free-form JSON, the whole conversation every time.
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
   *
   * @throws PromptTooLongException when a budget is set and the target cannot fit it
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

  /**
   * The JSON Schema a reply must follow, for {@code response_format: json_schema}; null when the
   * template's replies have no schema (then nothing asks the server to enforce one).
   */
  default ObjectNode replySchema() {
    return null;
  }

  /** The most targets one request may ask about; 1 (the default) is a request per target. */
  default int maxTargetsPerRequest() {
    return 1;
  }

  /**
   * The request messages for several targets of one conversation, in ascending order; at most
   * {@link #maxTargetsPerRequest} of them. For one target it must equal {@link
   * #render(Conversation, int)}.
   *
   * @throws PromptTooLongException when a budget is set and the targets do not fit it together
   */
  default List<Message> render(Conversation conversation, List<Integer> targetIndices) {
    if (targetIndices.size() != 1) {
      throw new IllegalArgumentException(
          id() + " renders one target per request, asked for " + targetIndices);
    }
    return render(conversation, targetIndices.get(0));
  }

  /**
   * Reads a reply to a request for {@code targetIndices}: one {@link TargetReply} per target, in
   * the same order, each checked on its own, so that one bad result does not spoil the others.
   */
  default List<TargetReply> parseEach(
      String replyContent, Conversation conversation, List<Integer> targetIndices) {
    List<TargetReply> replies = new ArrayList<>(targetIndices.size());
    for (int index : targetIndices) {
      try {
        replies.add(TargetReply.ok(index, parse(replyContent, conversation, index)));
      } catch (InvalidReplyException e) {
        replies.add(TargetReply.invalid(index, e.getMessage()));
      }
    }
    return replies;
  }

  /**
   * This template with a prompt budget in estimated tokens ({@link TokenEstimate}); 0 means none.
   * Templates that cannot shorten a prompt (the default, and {@code seed}, which must stay the
   * original request) return themselves.
   */
  default PromptTemplate withMaxPromptTokens(int maxPromptTokens) {
    return this;
  }

  /**
   * The prompt budget this template renders to, in estimated tokens; 0 (the default) for none. It
   * is not part of {@link #fingerprint}, so that a target whose prompt fits keeps its cache key
   * whatever the budget; a build records it beside the fingerprint instead, because it decides
   * which targets are shortened or skipped.
   */
  default int maxPromptTokens() {
    return 0;
  }
}
