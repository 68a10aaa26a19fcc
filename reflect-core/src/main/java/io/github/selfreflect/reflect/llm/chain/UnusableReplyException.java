package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;

/**
 * Every reply to a call failed its {@link ReplyCheck}. The message is the last problem and the
 * number of attempts; it holds the model's words at most (never an endpoint or a key), so it may
 * be published as a failed target's reason.
 */
public final class UnusableReplyException extends LlmException {

  public UnusableReplyException(String message, int attempts) {
    super(message, new LlmFailure(LlmFailure.Kind.UNUSABLE_REPLY, 200, attempts, null, null), null);
  }
}
