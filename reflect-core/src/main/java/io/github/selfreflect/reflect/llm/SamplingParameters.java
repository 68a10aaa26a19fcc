package io.github.selfreflect.reflect.llm;

/**
 * Sampling options sent with every request. A null field is left out of the request, so the
 * server's default applies.
 *
 * @param temperature sampling temperature, or null
 * @param maxTokens the most completion tokens the model may produce ({@code max_tokens}), or null
 */
public record SamplingParameters(Double temperature, Integer maxTokens) {

  /** Sends nothing: every option at the server's default. */
  public static final SamplingParameters DEFAULTS = new SamplingParameters(null, null);
}
