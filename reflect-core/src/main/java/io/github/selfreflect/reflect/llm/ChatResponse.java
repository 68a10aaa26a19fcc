package io.github.selfreflect.reflect.llm;

/**
 * The first choice of a chat-completions response.
 *
 * @param content the assistant message's text (never null; empty when the server sent none)
 * @param finishReason {@code stop}, {@code length}, ... or null when the server sent none
 * @param model the model name the server reports, or null
 * @param usage the token counts
 */
public record ChatResponse(String content, String finishReason, String model, Usage usage) {

  /** True when the model stopped because it ran out of tokens: the reply is cut off. */
  public boolean truncated() {
    return "length".equals(finishReason);
  }
}
