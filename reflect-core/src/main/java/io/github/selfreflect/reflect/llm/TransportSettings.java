package io.github.selfreflect.reflect.llm;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What every provider's transport is built from: where, with which key, over which HTTP client and
 * how patiently. {@link #httpClient(HttpUrl)} turns it into the OkHttp client every transport uses,
 * so timeouts, connection pooling and the rule that a key never crosses a network in cleartext are
 * the same for every provider.
 *
 * @param baseUrl the API root, e.g. {@code https://api.openai.com/v1}
 * @param apiKey the key, or null to send none
 * @param allowPlainHttpKey whether the key may go over plain http to another machine
 * @param httpClient a client to derive from (proxy, TLS), or null for a plain one
 * @param connectTimeout the bound on connecting
 * @param readTimeout the longest silence while waiting for the response; zero for none
 * @param callTimeout the bound on one attempt as a whole; zero for none
 * @param maxConcurrentRequests requests the caller keeps in flight (that many warm connections); 0
 *     keeps the client's own pool
 * @param headers extra headers for every request (not the key's)
 * @param clock the clock a {@code Retry-After} date is read against
 */
public record TransportSettings(
    String baseUrl,
    String apiKey,
    boolean allowPlainHttpKey,
    OkHttpClient httpClient,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    int maxConcurrentRequests,
    Map<String, String> headers,
    Clock clock) {

  /** Connecting is quick even to a busy server; a long wait means a wrong host or a firewall. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Without streaming the server sends nothing until the whole reply is generated, which takes
   * minutes for a long answer from a local model on a CPU.
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

  /** The bound on one whole attempt, from connecting to the last byte of the body. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(10);

  public TransportSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(callTimeout, "callTimeout");
    headers = Map.copyOf(new LinkedHashMap<>(headers));
    Objects.requireNonNull(clock, "clock");
  }

  /** Settings for {@code baseUrl} with no key and every default. */
  public static TransportSettings of(String baseUrl) {
    return new TransportSettings(
        baseUrl, null, false, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
        DEFAULT_CALL_TIMEOUT, 0, Map.of(), Clock.systemUTC());
  }

  /** These settings with another key. */
  public TransportSettings withApiKey(String key) {
    return new TransportSettings(
        baseUrl, key, allowPlainHttpKey, httpClient, connectTimeout, readTimeout, callTimeout,
        maxConcurrentRequests, headers, clock);
  }

  /**
   * The HTTP client for requests to {@code endpoint}: the given client (or a new one) with these
   * timeouts, a pool of {@link #maxConcurrentRequests} warm connections, and OkHttp's silent
   * connection retry off (the retry layer is the only one, so every request is counted).
   *
   * @throws IllegalArgumentException when a key would go over plain http to another machine, or
   *     through a proxy that is not on this machine (see {@link KeyTransport}), unless allowed
   */
  public OkHttpClient httpClient(HttpUrl endpoint) {
    OkHttpClient base = httpClient != null ? httpClient : new OkHttpClient();
    if (apiKey != null && !allowPlainHttpKey && KeyTransport.exposesKey(endpoint, proxyHost(base))) {
      throw new IllegalArgumentException(
          "Refusing to send an API key over plain http to " + endpoint.host()
              + (proxyHost(base) == null ? "" : " through the proxy " + proxyHost(base))
              + ", which is not this machine: use https, or no key (or allowPlainHttpKey)");
    }
    OkHttpClient.Builder http =
        base.newBuilder()
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .callTimeout(callTimeout)
            .retryOnConnectionFailure(false);
    if (maxConcurrentRequests > 0) {
      // OkHttp keeps 5 idle connections and lets 5 asynchronous calls run per host by default:
      // with more requests in flight, every burst would open fresh connections and close them
      // again. Keep one warm connection per request in flight (HTTP/2 multiplexes them anyway).
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(Math.max(64, maxConcurrentRequests));
      dispatcher.setMaxRequestsPerHost(maxConcurrentRequests);
      http.dispatcher(dispatcher)
          .connectionPool(new ConnectionPool(maxConcurrentRequests, 5, TimeUnit.MINUTES));
    }
    return http.build();
  }

  /** {@link #baseUrl} parsed, without a trailing empty path segment, plus {@code path}. */
  public HttpUrl endpoint(String... path) {
    HttpUrl base = HttpUrl.parse(baseUrl.strip());
    if (base == null) {
      throw new IllegalArgumentException("Not an http(s) URL: " + baseUrl);
    }
    // "http://host/v1/" ends in an empty path segment: drop it, so the result is never "v1//chat".
    HttpUrl.Builder url = base.newBuilder();
    java.util.List<String> segments = new java.util.ArrayList<>(base.pathSegments());
    while (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
      segments.remove(segments.size() - 1);
    }
    url.encodedPath("/");
    segments.forEach(url::addPathSegment);
    for (String segment : path) {
      url.addPathSegment(segment);
    }
    return url.build();
  }

  /** Removes the API key from text that may come from the server. */
  public String redact(String text) {
    if (text == null || apiKey == null) {
      return text;
    }
    return text.replace(apiKey, REDACTED);
  }

  /** What replaces the API key in messages. */
  public static final String REDACTED = "[REDACTED]";

  /** The host of the client's HTTP proxy, or null when it connects directly. */
  private static String proxyHost(OkHttpClient client) {
    Proxy proxy = client.proxy();
    if (proxy == null || proxy.type() == Proxy.Type.DIRECT
        || !(proxy.address() instanceof InetSocketAddress address)) {
      return null;
    }
    return address.getHostString();
  }

  @Override
  public String toString() {
    return "TransportSettings[" + baseUrl + (apiKey == null ? "" : ", with API key") + "]";
  }
}
