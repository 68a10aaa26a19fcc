package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatResponse;

/**
 * Whether a reply is usable: parses, has what the template asked for, is not cut off. A check that
 * parses may keep what it parsed for its caller, who then need not parse the reply again.
 */
@FunctionalInterface
public interface ReplyCheck {

  /** Takes any reply; a cut-off reply ({@link ChatResponse#truncated()}) included. */
  ReplyCheck ANY = response -> null;

  /**
   * @return null when the reply is usable, else what is wrong with it, for the log and, when every
   *     attempt fails, for the failure reason
   */
  String problem(ChatResponse response);
}
