package io.github.selfreflect.reflect.llm;

/**
 * Token counts from an API response's {@code usage} block (zeros where the server sent none).
 *
 * @param promptTokens prompt tokens, including cached ones
 * @param cachedPromptTokens prompt tokens served from the provider's prompt cache
 * @param completionTokens tokens generated
 */
public record Usage(long promptTokens, long cachedPromptTokens, long completionTokens) {

  public static final Usage NONE = new Usage(0, 0, 0);

  public Usage plus(Usage other) {
    return new Usage(
        promptTokens + other.promptTokens,
        cachedPromptTokens + other.cachedPromptTokens,
        completionTokens + other.completionTokens);
  }
}
