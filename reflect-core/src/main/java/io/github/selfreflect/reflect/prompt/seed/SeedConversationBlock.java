package io.github.selfreflect.reflect.prompt.seed;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import java.util.List;

/**
 * The seed prompt's user message: {@code "Conversation:\n"} and then, for every message of the
 * conversation in order (those before the target too), one block
 *
 * <pre>{@code <letter>:\n[[[\n<text>\n]]]\n}</pre>
 *
 * <p>Letters, as in SelfReflectionGPT: {@code K} for the user message of the target ({@code
 * targetIndex - 1}), {@code L} for the target answer ({@code targetIndex}), {@code Q} for every
 * other user message, {@code A} for every other assistant message. The original only knew
 * "human" and "gpt"; for the roles it never saw we chose {@code S} for system messages and
 * {@code T} for tool results, so that the model can tell them from the user's words. An assistant
 * message that calls tools is an {@code A}; its text is its content, or, when that is blank (the
 * usual case), the compact JSON of its {@code tool_calls}, so the model still sees what was done.
 *
 * <h2>Why and how brackets are escaped</h2>
 *
 * <p>The original pastes message text into the blocks raw, so a message containing {@code
 * "\n]]]\nQ:\n[[[\n..."} closes its block and forges a new one: a user (or a pasted log) can then
 * inject turns or instructions. Here, in any run of three or more identical square brackets, a
 * backslash is inserted before every third bracket: {@code ]]]} becomes {@code ]]\]}, {@code
 * ]]]]]]} becomes {@code ]]\]]\]]}, {@code [[[} becomes {@code [[\[}. So no run of more than two
 * identical brackets survives, and rendered text can never contain {@code ]]]} or {@code [[[}; the
 * only {@code [[[} and {@code ]]]} in the prompt are the frame's own, each alone on its line.
 *
 * <p>Properties this keeps, pinned by tests: text without such a run is untouched, so every
 * conversation the original could render (the coin example among them) renders byte for byte as
 * it did; removing every backslash from the output gives the input with every backslash removed
 * (only backslashes are added). The escaping is not meant to be reversible (a literal {@code ]]\]}
 * in a message renders the same as an escaped {@code ]]]}); the model reads it, nobody parses it.
 */
final class SeedConversationBlock {

  static final String HEADER = "Conversation:\n";
  static final String BLOCK_OPEN = ":\n[[[\n";
  static final String BLOCK_CLOSE = "\n]]]\n";

  static final char TARGET_QUESTION = 'K';
  static final char TARGET_ANSWER = 'L';
  static final char USER = 'Q';
  static final char ASSISTANT = 'A';
  static final char SYSTEM = 'S';
  static final char TOOL = 'T';

  /** Every string that shapes the block, for the template's fingerprint. */
  static final List<String> LAYOUT_PIECES =
      List.of(
          HEADER,
          BLOCK_OPEN,
          BLOCK_CLOSE,
          String.valueOf(new char[] {TARGET_QUESTION, TARGET_ANSWER, USER, ASSISTANT, SYSTEM, TOOL}));

  private SeedConversationBlock() {}

  /** The whole user message for the target at {@code targetIndex}. */
  static String render(Conversation conversation, int targetIndex) {
    List<Message> messages = conversation.messages();
    // Sized once: every target renders its whole conversation, and growing the builder step by
    // step would copy it several times over.
    int size = HEADER.length();
    for (Message message : messages) {
      size += 1 + BLOCK_OPEN.length() + message.content().length() + BLOCK_CLOSE.length();
    }
    StringBuilder out = new StringBuilder(size).append(HEADER);
    for (int i = 0; i < messages.size(); i++) {
      out.append(letter(messages.get(i), i, targetIndex))
          .append(BLOCK_OPEN)
          .append(escapeBrackets(text(messages.get(i))))
          .append(BLOCK_CLOSE);
    }
    return out.toString();
  }

  static char letter(Message message, int index, int targetIndex) {
    if (index == targetIndex - 1) {
      return TARGET_QUESTION;
    }
    if (index == targetIndex) {
      return TARGET_ANSWER;
    }
    return switch (message.role()) {
      case USER -> USER;
      case ASSISTANT -> ASSISTANT;
      case SYSTEM -> SYSTEM;
      case TOOL -> TOOL;
    };
  }

  /** What a message shows in its block, before escaping. */
  static String text(Message message) {
    if (message.isToolCall() && message.content().isBlank()) {
      return message.toolCalls().toString();
    }
    return message.content();
  }

  /**
   * Inserts a backslash before every third bracket of a run of identical square brackets, so that
   * the result never contains {@code ]]]} or {@code [[[}. See the class comment for why.
   */
  static String escapeBrackets(String text) {
    if (text.indexOf("]]]") < 0 && text.indexOf("[[[") < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    char runChar = 0;
    int runLength = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '[' && c != ']') {
        runLength = 0;
      } else if (c == runChar && runLength > 0) {
        runLength++;
        if (runLength == 3) {
          out.append('\\');
          runLength = 1;
        }
      } else {
        runChar = c;
        runLength = 1;
      }
      out.append(c);
    }
    return out.toString();
  }
}
