package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.AttemptResult;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.RateLimitInfo;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.TokenEstimate;
import io.github.selfreflect.reflect.llm.Usage;

/**
 * Puts a model that knows nothing of gates behind one, a call at a time: the run still counts
 * its requests and tokens, keeps its budgets and can be cancelled. Retries inside the model stay
 * invisible, and it learns no rate limit, so models that can take the gate themselves (as {@code
 * OpenAiChatClient} does) should be given it instead.
 */
final class GatedChatModel implements ChatModel {

  private final ChatModel model;
  private final RequestGate gate;

  GatedChatModel(ChatModel model, RequestGate gate) {
    this.model = model;
    this.gate = gate;
  }

  @Override
  public ChatResponse complete(ChatRequest request) throws LlmException {
    long estimate = TokenEstimate.of(request);
    long sentAt;
    try {
      sentAt = gate.beforeAttempt(1, estimate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException("interrupted while waiting to send", LlmFailure.interrupted(0), e);
    }
    try {
      ChatResponse response = model.complete(request);
      gate.afterAttempt(
          new AttemptResult(1, sentAt, 200, null, RateLimitInfo.NONE, response.usage(), estimate));
      return response;
    } catch (LlmException e) {
      gate.afterAttempt(
          new AttemptResult(1, sentAt, e.status(), null, RateLimitInfo.NONE, Usage.NONE, estimate));
      throw e;
    }
  }
}
