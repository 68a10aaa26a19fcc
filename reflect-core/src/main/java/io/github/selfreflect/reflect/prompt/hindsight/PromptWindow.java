package io.github.selfreflect.reflect.prompt.hindsight;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.prompt.PromptTooLongException;
import io.github.selfreflect.reflect.prompt.TokenEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which turns a prompt shows when a conversation is longer than the budget ({@code
 * reflect.maxPromptTokens}, in {@link TokenEstimate estimated tokens}).
 *
 * <p>Always shown: the leading system messages (the new answer must follow them), the last
 * {@value #CONTEXT_TURNS} messages before the first target's question (its immediate context),
 * the question and the target, and every later turn (the hindsight itself). What may go is the
 * earlier history between those: the window keeps as much of it as fits, alternately the turn
 * nearest the target and the earliest one, and replaces the middle stretch that does not fit by
 * one {@link PromptView.Elided} marker. So the beginning and the run-up of the conversation
 * survive, and only the middle, which matters least to the target, is left out.
 *
 * <p>A prompt whose must-show part is over the budget cannot be shortened this way: the target
 * is skipped with a {@link PromptTooLongException} naming the message or the sum at fault.
 */
final class PromptWindow {

  /** Messages right before the first target's question that are never elided. */
  static final int CONTEXT_TURNS = 2;

  private PromptWindow() {}

  /**
   * The view of {@code conversation} for {@code targets}.
   *
   * @param overhead the estimated tokens of everything but the turns (instructions, markers, the
   *     target sentence)
   * @param maxPromptTokens the budget, 0 for none
   */
  static PromptView of(
      Conversation conversation, List<Integer> targets, int overhead, int maxPromptTokens) {
    List<Message> messages = conversation.messages();
    int n = messages.size();
    List<PromptView.Line> all = new ArrayList<>(n);
    int[] cost = new int[n];
    long total = overhead;
    for (int i = 0; i < n; i++) {
      PromptView.Turn turn = new PromptView.Turn(i, messages.get(i));
      all.add(turn);
      cost[i] = TokenEstimate.of(turn.json()) + 1;
      total += cost[i];
    }
    if (maxPromptTokens <= 0 || total <= maxPromptTokens) {
      return new PromptView(conversation, all, targets);
    }
    int first = targets.get(0);
    int systemEnd = 0;
    while (systemEnd < n && messages.get(systemEnd).role() == Role.SYSTEM) {
      systemEnd++;
    }
    int keptFrom = Math.max(systemEnd, first - 1 - CONTEXT_TURNS);
    long must = overhead + TokenEstimate.of(TurnJson.elided(first, first)) + 1;
    for (int i = 0; i < n; i++) {
      if (i < systemEnd || i >= keptFrom) {
        if (overhead + cost[i] > maxPromptTokens) {
          throw new PromptTooLongException(
              first,
              "turn " + i + " (" + messages.get(i).role().wireName() + ") alone is about "
                  + cost[i] + " tokens, over reflect.maxPromptTokens=" + maxPromptTokens
                  + " with the instructions' " + overhead);
        }
        must += cost[i];
      }
    }
    if (must > maxPromptTokens) {
      throw new PromptTooLongException(
          first,
          "the turns that must be shown for turn " + first + " (system prompt, the "
              + CONTEXT_TURNS + " turns before its question, the later turns) need about " + must
              + " tokens, over reflect.maxPromptTokens=" + maxPromptTokens);
    }
    long left = maxPromptTokens - must;
    int head = systemEnd; // next earlier-history turn to take from the start
    int tail = keptFrom - 1; // next one to take from the end (nearest the target)
    boolean headOpen = true;
    boolean tailOpen = true;
    while ((headOpen || tailOpen) && head <= tail) {
      if (headOpen) {
        if (cost[head] <= left) {
          left -= cost[head++];
        } else {
          headOpen = false;
        }
      }
      if (tailOpen && head <= tail) {
        if (cost[tail] <= left) {
          left -= cost[tail--];
        } else {
          tailOpen = false;
        }
      }
    }
    if (head > tail) {
      return new PromptView(conversation, all, targets); // everything fit after all
    }
    List<PromptView.Line> shown = new ArrayList<>(all.subList(0, head));
    shown.add(new PromptView.Elided(head, tail));
    shown.addAll(all.subList(tail + 1, n));
    return new PromptView(conversation, shown, targets);
  }
}
