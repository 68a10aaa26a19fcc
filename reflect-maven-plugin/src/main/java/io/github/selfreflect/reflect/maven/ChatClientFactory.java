package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.KeyTransport;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.Sleeper;
import io.github.selfreflect.reflect.llm.TransportSettings;
import io.github.selfreflect.reflect.llm.chain.ChatStack;
import java.time.Clock;
import java.util.Random;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.llm.RetryPolicy;
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
 *
 * <p>A key goes to an endpoint only over https, or over plain http to this machine ({@link
 * KeyTransport}): {@link #create} fails, before any request, naming the property to change,
 * rather than send a key in cleartext across a network.
 */
final class ChatClientFactory {

  /**
   * Where the key and the proxy come from; read by {@link #create} only.
   *
   * @param keys where the key may come from, and the properties that say so
   * @param settings the build's settings, or null outside a Maven session
   * @param decrypter decrypts server and proxy passwords
   * @param environment the process environment
   * @param allowPlainHttpKey {@code reflect.allowPlainHttpKey}: the key may cross a network in
   *     cleartext (with a warning)
   */
  record KeyAndProxy(
      ApiKeys.Source keys,
      Settings settings,
      SettingsDecrypter decrypter,
      Map<String, String> environment,
      boolean allowPlainHttpKey) {

    KeyAndProxy {
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(decrypter, "decrypter");
      Objects.requireNonNull(environment, "environment");
    }

    /** Keys over https, or plain http to this machine, only. */
    KeyAndProxy(
        ApiKeys.Source keys, Settings settings, SettingsDecrypter decrypter, Map<String, String> environment) {
      this(keys, settings, decrypter, environment, false);
    }
  }

  private final String urlProperty;
  private final String baseUrl;
  private final Provider provider;
  private final HttpUrl endpoint;
  private final KeyAndProxy keyAndProxy;
  private final Duration timeout;
  private final int maxRetries;
  private final int concurrency;
  private final RetryListener retries;
  private final Log log;

  private ChatClientFactory(
      String urlProperty,
      String baseUrl,
      Provider provider,
      HttpUrl endpoint,
      KeyAndProxy keyAndProxy,
      Duration timeout,
      int maxRetries,
      int concurrency,
      RetryListener retries,
      Log log) {
    this.urlProperty = urlProperty;
    this.baseUrl = baseUrl;
    this.provider = provider;
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
      Provider provider,
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
              + ": expected an http or https URL such as " + provider.defaultBaseUrl() + ", found '"
              + baseUrl
              + "'");
    }
    return new ChatClientFactory(
        urlProperty,
        baseUrl,
        Objects.requireNonNull(provider, "provider"),
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
    ApiKeys.Source keys = keyAndProxy.keys();
    ApiKeys.ApiKey apiKey;
    OkHttpClient http;
    try {
      apiKey =
          ApiKeys.find(
              keys,
              endpoint,
              provider,
              keyAndProxy.settings(),
              keyAndProxy.decrypter(),
              keyAndProxy.environment());
      if (apiKey != null) {
        requireNoCleartext(apiKey);
      }
      http =
          HttpProxies.configure(
              new OkHttpClient.Builder(),
              endpoint,
              keyAndProxy.settings(),
              keyAndProxy.decrypter());
    } catch (MojoFailureException e) {
      throw new ConfigurationFailure(e);
    }
    if (apiKey == null && provider.isOwnApi(endpoint)) {
      log.warn(
          "No API key: set the environment variable "
              + (keys.namesVariable() ? keys.variable().strip() : provider.defaultKeyVariable())
              + " or "
              + keys.serverIdProperty()
              + " (a settings.xml <server>)");
    } else if (apiKey == null
        && ApiKeys.defaultKeyWithheld(keys, endpoint, provider, keyAndProxy.environment())) {
      log.info(
          provider.defaultKeyVariable()
              + " is set but not sent to "
              + endpoint.host()
              + ": unasked it goes to "
              + HttpUrl.get(provider.defaultBaseUrl()).host()
              + " only. If this endpoint needs it, set "
              + keys.variableProperty()
              + "="
              + provider.defaultKeyVariable());
    }
    // Timeouts as OpenAiChatClient#attemptTimeout sets them: the one bound the user gives.
    TransportSettings settings =
        new TransportSettings(
            baseUrl,
            apiKey == null ? null : apiKey.value(),
            keyAndProxy.allowPlainHttpKey(),
            http,
            TransportSettings.DEFAULT_CONNECT_TIMEOUT,
            timeout,
            timeout,
            concurrency,
            Map.of(),
            Clock.systemUTC());
    return ChatStack.builder()
        .transport(
            provider.transport(settings),
            gate,
            RetryPolicy.DEFAULT.withMaxAttempts(maxRetries + 1),
            retries,
            Sleeper.SYSTEM,
            new Random())
        .build();
  }

  /**
   * Fails when the key would cross a network in cleartext: plain http to another machine, or
   * through a settings.xml proxy that is not on this machine. Checked before the client is built
   * (which refuses such a key too), so that the message names the properties to change.
   */
  private void requireNoCleartext(ApiKeys.ApiKey apiKey) throws MojoFailureException {
    org.apache.maven.settings.Proxy proxy =
        HttpProxies.activeProxy(endpoint, keyAndProxy.settings());
    String proxyHost = proxy == null ? null : proxy.getHost();
    if (!KeyTransport.exposesKey(endpoint, proxyHost)) {
      return;
    }
    String route =
        KeyTransport.isLoopback(endpoint.host())
            ? "through the settings.xml proxy " + proxyHost + ", which is not this machine"
            : "to " + endpoint.host() + ", which is not this machine";
    if (keyAndProxy.allowPlainHttpKey()) {
      log.warn(
          "Sending the API key (" + apiKey.origin() + ") over plain http " + route
              + ", as reflect.allowPlainHttpKey=true allows: anyone on the way can read it");
      return;
    }
    throw new MojoFailureException(
        urlProperty
            + " is "
            + endpoint.newBuilder().username("").password("").build()
            + ": plain http "
            + route
            + ", would carry the API key ("
            + apiKey.origin()
            + ") in cleartext. Use an https URL in "
            + urlProperty
            + (apiKey.property() == null
                ? ""
                : ", or, if the server needs no key, leave " + apiKey.property() + " unset")
            + " (on a network you trust that offers no https, -Dreflect.allowPlainHttpKey=true)");
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
