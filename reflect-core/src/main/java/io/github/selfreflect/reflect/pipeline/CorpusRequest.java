package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.providers.Providers;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a goal that only reads the chats and the cache needs ({@code reflect:status}, {@code
 * reflect:compact}, and {@code generate}'s corpus passes): where they are, and everything that
 * goes into a target's cache key, so that every goal computes exactly the keys {@code generate}
 * writes. Nothing about sending requests or writing a dataset: those are {@link ReflectRequest}'s.
 *
 * @param chatsDirectory where the chat files are
 * @param cacheDirectory where paid-for reflections are kept
 * @param provider the provider the requests go to (its prefix is part of every key)
 * @param template the prompt template
 * @param model the model name sent to the endpoint
 * @param sampling sampling options
 * @param window how many exchanges after a target the model is shown ({@link HindsightWindow#ALL}
 *     for all)
 * @param structuredOutput how the reply schema is planned ({@code auto} as {@code json_schema})
 * @param failOnInvalid whether a bad chat record fails the pass (else it is skipped and counted)
 */
public record CorpusRequest(
    Path chatsDirectory,
    Path cacheDirectory,
    Provider provider,
    PromptTemplate template,
    String model,
    SamplingParameters sampling,
    int window,
    StructuredOutput structuredOutput,
    boolean failOnInvalid) {

  public CorpusRequest {
    Objects.requireNonNull(chatsDirectory, "chatsDirectory");
    Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(structuredOutput, "structuredOutput");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (window < 0) {
      throw new IllegalArgumentException(
          "window must be 0 (all exchanges) or a number of exchanges, found " + window);
    }
  }

  /** The default provider, the endpoint's sampling, the whole conversation, {@code auto}, failing on a bad record. */
  public static CorpusRequest of(Path chats, Path cache, PromptTemplate template, String model) {
    return new CorpusRequest(
        chats, cache, Providers.DEFAULT, template, model, SamplingParameters.DEFAULTS,
        HindsightWindow.ALL, StructuredOutput.AUTO, true);
  }

  /** The cache key of a request planned from these settings. */
  public String key(ChatRequest request) {
    return CacheKeys.of(provider, template, request);
  }
}
