package io.github.selfreflect.reflect.prompt.hindsight;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import java.util.List;

/**
 * What a {@link HindsightLayout} renders: the conversation as the prompt budget lets it be shown
 * (every turn, or every turn but an elided middle stretch of the earlier history), and the
 * targets to reflect on.
 *
 * @param conversation the whole conversation
 * @param lines the turns shown, in order, with at most one {@link Elided} among them
 * @param targets the indices of the assistant messages to reflect on, ascending
 */
public record PromptView(Conversation conversation, List<Line> lines, List<Integer> targets) {

  public PromptView {
    lines = List.copyOf(lines);
    targets = List.copyOf(targets);
  }

  /** A line of the conversation block. */
  public sealed interface Line permits Turn, Elided {
    /** The line as the built-in layout writes it: one compact JSON object. */
    String json();
  }

  /** A turn shown in full. */
  public record Turn(int turn, Message message) implements Line {
    @Override
    public String json() {
      return TurnJson.line(turn, message);
    }

    public String role() {
      return message.role().wireName();
    }

    public String content() {
      return message.content();
    }
  }

  /** Turns {@code from} to {@code to} (inclusive), left out for length. */
  public record Elided(int from, int to) implements Line {
    @Override
    public String json() {
      return TurnJson.elided(from, to);
    }
  }
}
