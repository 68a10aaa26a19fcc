package io.github.selfreflect.reflect.llm;

import okhttp3.HttpUrl;

/**
 * A model provider's API: its wire ({@link #transport}), where it lives by default, which
 * environment variable holds its key, and how its replies are told apart in the cache. A provider
 * is one package under {@code llm/} (its transport, error bodies, rate-limit headers, usage) plus
 * one line in {@link io.github.selfreflect.reflect.llm.providers.Providers}. Everything else a
 * request passes through (retries, pacing, budgets, reply checks, the format step-down) is the same
 * for every provider ({@link io.github.selfreflect.reflect.llm.chain.ChatStack}).
 */
public interface Provider {

  /** The name users give in {@code reflect.provider}, e.g. {@code openai}. */
  String id();

  /** The API root used when the user names none, e.g. {@code https://api.openai.com/v1}. */
  String defaultBaseUrl();

  /**
   * The environment variable read for a key when the user names none, e.g. {@code
   * OPENAI_API_KEY}; read for {@link #isOwnApi the provider's own API} only, so that a key exported
   * for the provider never goes to another endpoint unasked.
   */
  String defaultKeyVariable();

  /** Whether {@code url} is the provider's own API, over https (e.g. {@code https://api.openai.com}). */
  boolean isOwnApi(HttpUrl url);

  /**
   * What goes into every cache key before the request body, so that one provider's reply is never
   * taken for another's: empty for {@code openai} (whose keys predate providers and must not move),
   * {@code "provider <id>\n"} for the others.
   */
  default String cacheKeyPrefix() {
    return "provider " + id() + "\n";
  }

  /**
   * The wire to {@code settings}' endpoint.
   *
   * @throws IllegalArgumentException when the base URL is no http(s) URL, or the key would cross a
   *     network in cleartext
   */
  ChatTransport transport(TransportSettings settings);
}
