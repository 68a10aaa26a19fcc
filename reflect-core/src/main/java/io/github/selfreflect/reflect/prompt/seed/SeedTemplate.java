package io.github.selfreflect.reflect.prompt.seed;

import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code seed} template: SelfReflectionGPT's own request, reproduced exactly, so that results
 * can be compared with the original method and other templates measured against it.
 *
 * <p>{@link #render} gives two messages, in the original's order: a user message holding the
 * whole conversation as lettered blocks (see {@link SeedConversationBlock}), then a system
 * message holding the instruction and the reply format (see {@link SeedInstruction}). For any
 * conversation the original could handle (user and assistant text, no {@code ]]]} or {@code [[[}
 * in it) both contents equal the original's to the character. Beyond that the template differs
 * only where the original had no answer: letters for system and tool messages, tool calls, and
 * escaped bracket runs so that a message cannot break out of its block.
 *
 * <p>{@link #parse} reads the reply {@code {"K": ..., "C": ..., "L": ...}} (see {@link
 * SeedReply}); the seed has no way to say "keep", so the verdict is always {@link
 * Verdict#REVISE}.
 */
public final class SeedTemplate implements PromptTemplate {

  /** The id users select the template by. */
  public static final String ID = "seed";

  /**
   * Bump when code changes the rendered text or the reading of replies without changing any of
   * the fingerprinted strings (e.g. the bracket escaping, the order of blocks, the K check):
   * every cache key of this template changes with it.
   */
  static final int LAYOUT_VERSION = 1;

  private static final String FINGERPRINT = fingerprintOf(LAYOUT_VERSION, fingerprintedPieces());

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String fingerprint() {
    return FINGERPRINT;
  }

  /**
   * The user message with the conversation and the system message with the instruction.
   *
   * @throws IllegalArgumentException when {@code targetIndex} is not an assistant message that
   *     follows a user message
   */
  @Override
  public List<Message> render(Conversation conversation, int targetIndex) {
    checkTarget(conversation, targetIndex);
    String question = SeedConversationBlock.text(conversation.messages().get(targetIndex - 1));
    return List.of(
        Message.of(Role.USER, SeedConversationBlock.render(conversation, targetIndex)),
        Message.of(Role.SYSTEM, SeedInstruction.render(question)));
  }

  @Override
  public Reflection parse(String replyContent, Conversation conversation, int targetIndex)
      throws InvalidReplyException {
    checkTarget(conversation, targetIndex);
    return SeedReply.parse(
        replyContent, SeedConversationBlock.text(conversation.messages().get(targetIndex - 1)));
  }

  /**
   * SHA-256 (hex) over the layout version and each piece, each preceded by its length so that
   * moving text from one piece to the next still changes the digest.
   */
  static String fingerprintOf(int layoutVersion, List<String> pieces) {
    StringBuilder text = new StringBuilder(ID).append("\nlayout ").append(layoutVersion);
    for (String piece : pieces) {
      text.append('\n').append(piece.length()).append(':').append(piece);
    }
    return CacheKeys.sha256Hex(text.toString());
  }

  static List<String> fingerprintedPieces() {
    List<String> pieces = new ArrayList<>(SeedConversationBlock.LAYOUT_PIECES);
    pieces.addAll(SeedInstruction.PIECES);
    return List.copyOf(pieces);
  }

  private static void checkTarget(Conversation conversation, int targetIndex) {
    List<Message> messages = conversation.messages();
    if (targetIndex < 1 || targetIndex >= messages.size()) {
      throw new IllegalArgumentException(
          "target index " + targetIndex + " is outside conversation '" + conversation.id()
              + "' (" + messages.size() + " messages; a target needs a user message before it)");
    }
    Role question = messages.get(targetIndex - 1).role();
    Role answer = messages.get(targetIndex).role();
    if (question != Role.USER || answer != Role.ASSISTANT) {
      throw new IllegalArgumentException(
          "target index " + targetIndex + " of conversation '" + conversation.id()
              + "' is not an assistant answer to a user message (found " + question.wireName()
              + " then " + answer.wireName() + ")");
    }
  }
}
