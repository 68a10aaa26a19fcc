package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.ResponseFormat;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import java.util.Locale;

/**
 * How a template's reply schema reaches the server ({@code reflect.structuredOutput}). Servers
 * differ: OpenAI and recent vLLM, llama.cpp and Ollama enforce a JSON Schema; some only promise
 * "a JSON object"; some reject any {@code response_format}. The prompt always describes the reply
 * too, so every mode works with a model that follows instructions.
 *
 * <p>Applies to templates that have a schema ({@link PromptTemplate#replySchema}); the {@code
 * seed} has none and is always sent exactly as the original sent it.
 */
public enum StructuredOutput {
  /**
   * {@code json_schema}, falling back to {@code json_object} and then to the prompt alone when the
   * server rejects the mode; the fallback is remembered for the rest of the run.
   */
  AUTO,
  /** Always {@code response_format: {"type": "json_schema", ...}}. */
  JSON_SCHEMA,
  /** Always {@code response_format: {"type": "json_object"}}. */
  JSON_OBJECT,
  /** No {@code response_format}: the prompt alone describes the reply. */
  PROMPT;

  /** Reads {@code auto}, {@code json_schema}, {@code json_object} or {@code prompt}. */
  public static StructuredOutput parse(String value) {
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    for (StructuredOutput mode : values()) {
      if (mode.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "expected auto, json_schema, json_object or prompt, found '" + value + "'");
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The response format a request starts with, which is also the one its cache key is computed
   * from: for {@link #AUTO} that is {@code json_schema}, so that a run that had to fall back
   * stores its replies under the same keys the next run looks up.
   */
  ResponseFormat planned(PromptTemplate template) {
    if (template.replySchema() == null) {
      return null;
    }
    return switch (this) {
      case AUTO, JSON_SCHEMA -> ResponseFormat.jsonSchema(schemaName(template), template.replySchema());
      case JSON_OBJECT -> ResponseFormat.jsonObject();
      case PROMPT -> null;
    };
  }

  /** A schema name as OpenAI accepts it: letters, digits, {@code _} and {@code -}. */
  private static String schemaName(PromptTemplate template) {
    return "reflect_" + template.id().replaceAll("[^A-Za-z0-9_-]", "_");
  }
}
