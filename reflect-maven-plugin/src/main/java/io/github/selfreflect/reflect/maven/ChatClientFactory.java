package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.openai.RetryListener;
import io.github.selfreflect.reflect.llm.openai.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Builds the OpenAI-compatible client of a goal that sends requests ({@code reflect:generate},
 * {@code reflect:evaluate}). The API key and the settings.xml proxy are looked up in {@link
 * #create}, that is, only when a request is due: a cached or offline run needs no key, so a {@code
 * reflect.serverId} that names no server in this machine's settings.xml (a CI job without secrets,
 * a fresh clone of a data repository with a committed cache) must not fail it. Only the endpoint's
 * syntax is checked up front, by {@link #forEndpoint}.
 */
final class ChatClientFactory {

  /**
   * Where the key and the proxy come from; read by {@link #create} only.
   *
   * @param serverId the settings.xml {@code <server>} whose password is the key, or null
   * @param apiKeyEnvironmentVariable the variable holding the key when no server is named
   * @param settings the build's settings, or null outside a Maven session
   * @param decrypter decrypts server and proxy passwords
   * @param environment the process environment
   */
  record KeyAndProxy(
      String serverId,
      String apiKeyEnvironmentVariable,
      Settings settings,
      SettingsDecrypter decrypter,
      Map<String, String> environment) {

    KeyAndProxy {
      Objects.requireNonNull(decrypter, "decrypter");
      Objects.requireNonNull(environment, "environment");
    }
  }

  private final String baseUrl;
  private final HttpUrl endpoint;
  private final KeyAndProxy keyAndProxy;
  private final Duration timeout;
  private final int maxRetries;
  private final int concurrency;
  private final RetryListener retries;
  private final Log log;

  private ChatClientFactory(
      String baseUrl,
      HttpUrl endpoint,
      KeyAndProxy keyAndProxy,
      Duration timeout,
      int maxRetries,
      int concurrency,
      RetryListener retries,
      Log log) {
    this.baseUrl = baseUrl;
    this.endpoint = endpoint;
    this.keyAndProxy = keyAndProxy;
    this.timeout = timeout;
    this.maxRetries = maxRetries;
    this.concurrency = concurrency;
    this.retries = retries;
    this.log = log;
  }

  /**
   * Checks the endpoint's syntax, and nothing else yet.
   *
   * @param urlProperty the property that set {@code baseUrl}, for the message
   * @throws MojoFailureException when {@code baseUrl} is no http or https URL
   */
  static ChatClientFactory forEndpoint(
      String urlProperty,
      String baseUrl,
      KeyAndProxy keyAndProxy,
      Duration timeout,
      int maxRetries,
      int concurrency,
      RetryListener retries,
      Log log)
      throws MojoFailureException {
    HttpUrl endpoint = baseUrl == null ? null : HttpUrl.parse(baseUrl);
    if (endpoint == null) {
      throw new MojoFailureException(
          urlProperty
              + ": expected an http or https URL such as https://api.openai.com/v1, found '"
              + baseUrl
              + "'");
    }
    return new ChatClientFactory(
        baseUrl,
        Objects.requireNonNull(endpoint),
        Objects.requireNonNull(keyAndProxy, "keyAndProxy"),
        Objects.requireNonNull(timeout, "timeout"),
        maxRetries,
        concurrency,
        Objects.requireNonNull(retries, "retries"),
        Objects.requireNonNull(log, "log"));
  }

  /**
   * Looks up the key and the proxy and builds a client whose every attempt passes {@code gate}.
   *
   * @throws ConfigurationFailure when the key or the proxy cannot be looked up; unchecked, because
   *     the core calls this through a plain {@code Supplier} or {@code Function}: the goal catches
   *     it and rethrows {@link ConfigurationFailure#failure()} as it was
   */
  ChatModel create(RequestGate gate) {
    String apiKey;
    OkHttpClient http;
    try {
      apiKey =
          ApiKeys.find(
              keyAndProxy.serverId(),
              keyAndProxy.apiKeyEnvironmentVariable(),
              keyAndProxy.settings(),
              keyAndProxy.decrypter(),
              keyAndProxy.environment());
      http =
          HttpProxies.configure(
              new OkHttpClient.Builder(),
              endpoint,
              keyAndProxy.settings(),
              keyAndProxy.decrypter());
    } catch (MojoFailureException e) {
      throw new ConfigurationFailure(e);
    }
    if (apiKey == null && "api.openai.com".equals(endpoint.host())) {
      log.warn(
          "No API key: set the environment variable "
              + keyAndProxy.apiKeyEnvironmentVariable()
              + " or reflect.serverId (a settings.xml <server>)");
    }
    return OpenAiChatClient.builder()
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .httpClient(http)
        .attemptTimeout(timeout)
        .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(maxRetries + 1))
        .requestGate(gate)
        .maxConcurrentRequests(concurrency)
        .retryListener(retries)
        .build();
  }

  /** Carries a configuration failure out of the lazily built client, to be rethrown as it was. */
  static final class ConfigurationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigurationFailure(MojoFailureException failure) {
      super(failure.getMessage(), failure);
    }

    MojoFailureException failure() {
      return (MojoFailureException) getCause();
    }
  }
}
