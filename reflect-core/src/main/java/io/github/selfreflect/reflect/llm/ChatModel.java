package io.github.selfreflect.reflect.llm;

/**
 * A chat model behind some API. Implementations handle transport-level retries themselves
 * (rate limits, server errors, dropped connections) and are safe to call from several threads.
 */
public interface ChatModel {

  /**
   * Sends one request and returns the first choice.
   *
   * @throws LlmException when the request failed for good: a non-retryable status, or retries
   *     exhausted. The message names the endpoint and the status, never the API key.
   */
  ChatResponse complete(ChatRequest request) throws LlmException;
}
