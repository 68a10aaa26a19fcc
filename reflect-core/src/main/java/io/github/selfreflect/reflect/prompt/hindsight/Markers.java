package io.github.selfreflect.reflect.prompt.hindsight;

import java.util.List;

/** The fixed lines around the conversation and the sentence that names the targets. */
final class Markers {

  static final String OPEN = "<conversation>";
  static final String CLOSE = "</conversation>";

  private Markers() {}

  static String targetSentence(PromptView view) {
    return targetSentence(view.targets());
  }

  /**
   * Names the targets and, for each, the user turn whose language and question the new answer
   * follows; the only part of the prompt that differs between the targets of one conversation.
   */
  static String targetSentence(List<Integer> targets) {
    if (targets.size() == 1) {
      int turn = targets.get(0);
      return "Review turn " + turn + ", the assistant's answer to turn " + (turn - 1) + ".";
    }
    return "Review turns " + list(targets)
        + ", each the assistant's answer to the turn before it: one result per turn.";
  }

  /** "3", "3 and 5", "3, 5 and 7". */
  static String list(List<Integer> targets) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < targets.size(); i++) {
      if (i > 0) {
        out.append(i == targets.size() - 1 ? " and " : ", ");
      }
      out.append(targets.get(i));
    }
    return out.toString();
  }
}
