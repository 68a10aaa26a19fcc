package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.Exchange;
import io.github.selfreflect.reflect.llm.LlmException;

/** Sends one attempt of a request, below {@link RetryLayer}: {@link Metering} over a transport. */
@FunctionalInterface
public interface AttemptSender {

  /**
   * @param attempt the number of this attempt for its request, from 1
   * @throws LlmException when the attempt was not sent (a {@link
   *     io.github.selfreflect.reflect.llm.RequestNotSentException}: a budget is spent or the run
   *     cancelled) or the thread was interrupted while waiting to send it
   */
  Exchange send(ChatRequest request, int attempt) throws LlmException;
}
