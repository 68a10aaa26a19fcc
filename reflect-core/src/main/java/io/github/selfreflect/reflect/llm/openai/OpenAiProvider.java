package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.ChatTransport;
import io.github.selfreflect.reflect.llm.KeyTransport;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.TransportSettings;
import okhttp3.HttpUrl;

/**
 * {@code reflect.provider=openai}, the default: any OpenAI-compatible chat-completions endpoint
 * (OpenAI, Ollama, vLLM, llama.cpp, OpenRouter, Groq, gateways). Its cache keys are the keys every
 * cache held before providers existed: no prefix.
 */
public final class OpenAiProvider implements Provider {

  public static final OpenAiProvider INSTANCE = new OpenAiProvider();

  /** The variable read unasked, for {@code https://api.openai.com} only. */
  public static final String DEFAULT_KEY_VARIABLE = "OPENAI_API_KEY";

  private OpenAiProvider() {}

  @Override
  public String id() {
    return "openai";
  }

  @Override
  public String defaultBaseUrl() {
    return "https://api.openai.com/v1";
  }

  @Override
  public String defaultKeyVariable() {
    return DEFAULT_KEY_VARIABLE;
  }

  @Override
  public boolean isOwnApi(HttpUrl url) {
    return KeyTransport.isOpenAi(url);
  }

  @Override
  public String cacheKeyPrefix() {
    return "";
  }

  @Override
  public ChatTransport transport(TransportSettings settings) {
    return new OpenAiTransport(settings);
  }
}
