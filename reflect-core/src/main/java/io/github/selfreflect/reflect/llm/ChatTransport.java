package io.github.selfreflect.reflect.llm;

/**
 * One provider's wire: sends one attempt of a {@link ChatRequest} to one endpoint and tells how it
 * ended. A transport turns the provider-neutral request into the provider's body and headers,
 * and the provider's response, error body and rate-limit headers back into an {@link Exchange}.
 * It does not retry, pace, count or check the reply: the layers of {@link
 * io.github.selfreflect.reflect.llm.chain.ChatStack} do, the same way for every provider.
 *
 * <p>Implementations are thread-safe and never throw for a failed exchange: every way an attempt
 * can end is an {@link Exchange}, whose messages never contain the API key.
 */
public interface ChatTransport {

  /** Sends one attempt. */
  Exchange send(ChatRequest request);

  /** The endpoint, for messages: e.g. {@code POST https://api.openai.com/v1/chat/completions}. */
  String endpoint();
}
