package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;

/**
 * Asks again while the reply fails the call's {@link ReplyCheck}, up to {@code maxAttempts}
 * replies in all; then fails with {@link UnusableReplyException}. An unusable reply is paid for
 * like any other: this bound, not the retry policy, limits what a model that keeps answering
 * wrongly can cost.
 */
public final class ReplyValidation implements ChatLayer {

  /** Told about each unusable reply that will be asked again. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (call, attempt, problem) -> {};

    void unusable(ChatCall call, int attempt, String problem);
  }

  private final int maxAttempts;
  private final Listener listener;

  public ReplyValidation(int maxAttempts, Listener listener) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, found " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.listener = listener;
  }

  @Override
  public ChatResponse intercept(Chain chain) throws LlmException {
    ChatCall call = chain.call();
    String problem = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      ChatResponse response = chain.proceed(call.request());
      problem = call.check().problem(response);
      if (problem == null) {
        return response;
      }
      if (attempt < maxAttempts) {
        listener.unusable(call, attempt, problem);
      }
    }
    throw new UnusableReplyException(problem + " (after " + maxAttempts + " attempts)", maxAttempts);
  }
}
