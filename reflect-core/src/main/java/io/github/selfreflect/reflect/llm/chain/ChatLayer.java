package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;

/**
 * One concern that wraps a request: it sees the call, passes a request on to the layers below
 * (once, several times, or in another form) and returns their reply or throws.
 */
@FunctionalInterface
public interface ChatLayer {

  ChatResponse intercept(Chain chain) throws LlmException;

  /** The layers below one layer. */
  interface Chain {

    /** The call as the caller made it. */
    ChatCall call();

    /** Sends {@code request} (the call's, or a variant of it) through the layers below. */
    ChatResponse proceed(ChatRequest request) throws LlmException;
  }
}
