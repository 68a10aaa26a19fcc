package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.AttemptResult;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.LlmRejectedException;
import io.github.selfreflect.reflect.llm.LlmRetriesExhaustedException;
import io.github.selfreflect.reflect.llm.RateLimitInfo;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.TokenEstimate;
import io.github.selfreflect.reflect.llm.Usage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A {@link ChatModel} that talks to an OpenAI-compatible {@code POST /chat/completions} endpoint:
 * OpenAI itself, or Ollama, vLLM, llama.cpp, OpenRouter, Groq and other servers that copy its API.
 *
 * <p>Each call sends the canonical body of {@link ChatRequestJson} (the same bytes the cache key is
 * computed from) and reads the first choice. Transient trouble is retried under a {@link
 * RetryPolicy}: 408, 409, 429 and every 5xx, I/O errors (refused or reset connections, timeouts, a
 * body cut short) and 2xx bodies that are not JSON or have no choice. Other 4xx fail at once with
 * {@link LlmRejectedException}: a wrong key or model name does not heal by waiting. This client is
 * the only retry layer: OkHttp's own silent connection retry is switched off, so every request the
 * server sees is counted, reported to the {@link RetryListener} and bounded by the policy.
 *
 * <p>The client does not judge the reply: a {@code finish_reason} of {@code length} comes back as
 * a normal {@link ChatResponse} whose {@link ChatResponse#truncated()} the caller checks.
 *
 * <p>Exception messages and retry reasons never contain the API key, even when a server echoes the
 * {@code Authorization} header into its error body: the key is replaced by {@value #REDACTED}. They
 * do name the endpoint and the server's words, so they belong in a build log; each exception's
 * {@link LlmFailure} says what may be published. A key is never sent in cleartext beyond this
 * machine: with plain http to another host the builder refuses it.
 *
 * <p>Every attempt, retries included, passes through the {@link RequestGate} given to the builder:
 * the run's shared rate limiter, counters and budgets. The gate is told each attempt's status,
 * {@code Retry-After}, {@code x-ratelimit-*} headers and usage, so that a 429 seen here slows every
 * other request of the run.
 *
 * <p>Instances are immutable and thread-safe; share one per endpoint so that its connection pool
 * is shared too.
 */
public final class OpenAiChatClient implements ChatModel {

  /** The version sent in the {@code User-Agent} header. */
  public static final String VERSION = "0.1.0";

  /** The {@code User-Agent} header value. */
  public static final String USER_AGENT = "reflect/" + VERSION;

  /** What replaces the API key in messages. */
  public static final String REDACTED = "[REDACTED]";

  /** Connecting is quick even to a busy server; a long wait means a wrong host or a firewall. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Without streaming the server sends nothing until the whole reply is generated, which takes
   * minutes for a long answer from a local model on a CPU.
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

  /** The bound on one whole attempt, from connecting to the last byte of the body. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(10);

  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpUrl endpoint;
  private final String endpointDisplay;
  private final String apiKey;
  private final OkHttpClient http;
  private final Headers headers;
  private final RetryPolicy retryPolicy;
  private final RetryListener retryListener;
  private final RequestGate gate;
  private final Sleeper sleeper;
  private final Random random;
  private final Clock clock;
  private final Builder template;

  private OpenAiChatClient(Builder b) {
    this.endpoint = chatCompletionsUrl(b.baseUrl);
    this.endpointDisplay =
        "POST " + endpoint.newBuilder().username("").password("").build();
    this.apiKey = b.apiKey == null || b.apiKey.isBlank() ? null : b.apiKey.strip();
    OkHttpClient base = b.httpClient != null ? b.httpClient : new OkHttpClient();
    if (apiKey != null && !b.allowPlainHttpKey && KeyTransport.exposesKey(endpoint, proxyHost(base))) {
      throw new IllegalArgumentException(
          "Refusing to send an API key over plain http to " + endpoint.host()
              + (proxyHost(base) == null ? "" : " through the proxy " + proxyHost(base))
              + ", which is not this machine: use https, or no key (or allowPlainHttpKey)");
    }
    OkHttpClient.Builder http =
        base.newBuilder()
            .connectTimeout(b.connectTimeout)
            .readTimeout(b.readTimeout)
            .callTimeout(b.callTimeout)
            .retryOnConnectionFailure(false);
    if (b.maxConcurrentRequests > 0) {
      // OkHttp keeps 5 idle connections and lets 5 asynchronous calls run per host by default:
      // with more requests in flight, every burst would open fresh connections and close them
      // again. Keep one warm connection per request in flight (HTTP/2 multiplexes them anyway).
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(Math.max(64, b.maxConcurrentRequests));
      dispatcher.setMaxRequestsPerHost(b.maxConcurrentRequests);
      http.dispatcher(dispatcher)
          .connectionPool(new ConnectionPool(b.maxConcurrentRequests, 5, TimeUnit.MINUTES));
    }
    this.http = http.build();
    Headers.Builder h = new Headers.Builder();
    h.set("User-Agent", USER_AGENT);
    h.set("Accept", "application/json");
    b.extraHeaders.forEach(h::set);
    if (apiKey != null) {
      h.set("Authorization", "Bearer " + apiKey);
    }
    this.headers = h.build();
    this.retryPolicy = b.retryPolicy;
    this.retryListener = b.retryListener;
    this.gate = b.gate;
    this.sleeper = b.sleeper;
    this.random = b.seed == null ? new Random() : new Random(b.seed);
    this.clock = b.clock;
    this.template = b.copy();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this client's settings, to derive a variant from it. */
  public Builder newBuilder() {
    return template.copy();
  }

  /** The URL requests go to: {@code {baseUrl}/chat/completions}. */
  public HttpUrl endpoint() {
    return endpoint;
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  @Override
  public ChatResponse complete(ChatRequest request) throws LlmException {
    Objects.requireNonNull(request, "request");
    byte[] body = ChatRequestJson.toUtf8(request); // the bytes the cache key was computed from
    Request httpRequest =
        new Request.Builder()
            .url(endpoint)
            .headers(headers)
            .post(RequestBody.create(body, JSON))
            .build();
    long estimatedTokens = TokenEstimate.of(request);
    for (int attempt = 1; ; attempt++) {
      long sentAt;
      try {
        sentAt = gate.beforeAttempt(attempt, estimatedTokens);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(attempt - 1, e);
      }
      Outcome outcome = send(httpRequest);
      if (!outcome.interrupted()) {
        gate.afterAttempt(
            new AttemptResult(
                attempt,
                sentAt,
                outcome.status(),
                outcome.retryAfter(),
                outcome.limits(),
                outcome.response() == null ? Usage.NONE : outcome.response().usage(),
                estimatedTokens));
      }
      if (outcome.response() != null) {
        return outcome.response();
      }
      if (outcome.interrupted()) {
        throw interrupted(attempt, outcome.cause());
      }
      if (!outcome.retryable()) {
        throw new LlmRejectedException(
            endpointDisplay + " " + outcome.reason(), outcome.status(), outcome.errorType(),
            outcome.errorCode());
      }
      if (attempt >= retryPolicy.maxAttempts()) {
        throw new LlmRetriesExhaustedException(
            endpointDisplay + " failed after " + attempt
                + (attempt == 1 ? " attempt" : " attempts") + "; last: " + outcome.reason(),
            new LlmFailure(outcome.kind(), outcome.status(), attempt, outcome.errorType(),
                outcome.errorCode()),
            outcome.cause());
      }
      Duration delay =
          outcome.retryAfter() != null && !outcome.retryAfter().isZero()
              ? retryPolicy.capRetryAfter(outcome.retryAfter())
              : retryPolicy.backoff(attempt, random);
      retryListener.onRetry(attempt, outcome.reason(), delay);
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(attempt, e);
      }
    }
  }

  /** One attempt. Never throws: every way it can end is an {@link Outcome}. */
  private Outcome send(Request request) {
    try (Response response = http.newCall(request).execute()) {
      int status = response.code();
      RateLimitInfo limits = RateLimitHeaders.parse(response.headers());
      String text;
      try {
        text = response.body().string();
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          return Outcome.interrupted(e);
        }
        return Outcome.retry(
            isTimeout(e) ? LlmFailure.Kind.TIMEOUT : LlmFailure.Kind.RESPONSE_CUT_SHORT, status,
            redact("returned " + status + " but the body failed: " + describe(e)), e, null,
            limits);
      }
      if (status >= 200 && status < 300) {
        try {
          return Outcome.success(status, ChatCompletionParser.parse(text), limits);
        } catch (MalformedResponseException e) {
          return Outcome.retry(LlmFailure.Kind.MALFORMED_RESPONSE, status,
              redact("returned " + status + " with " + e.getMessage()), e.getCause(), null,
              limits);
        }
      }
      ServerError error = ServerError.of(text);
      String reason = redact("returned " + status + ": " + error.message());
      if (isRetryable(status)) {
        Duration retryAfter = RetryAfter.parse(response.headers(), clock.instant());
        return Outcome.retryStatus(status, reason,
            retryAfter == null ? null : retryPolicy.capRetryAfter(retryAfter),
            redact(error.type()), redact(error.code()), limits);
      }
      return Outcome.reject(status, reason, redact(error.type()), redact(error.code()), limits);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()
          || (e instanceof InterruptedIOException && "interrupted".equals(e.getMessage()))) {
        return Outcome.interrupted(e);
      }
      return Outcome.retry(
          isTimeout(e) ? LlmFailure.Kind.TIMEOUT : LlmFailure.Kind.CONNECTION, 0,
          redact(describe(e)), e, null, RateLimitInfo.NONE);
    }
  }

  /**
   * 408 (request timeout) and 409 (OpenAI's "conflict" on concurrent updates) are transient by
   * definition, 429 is a rate limit, and a 5xx is the server's own trouble.
   */
  static boolean isRetryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  private LlmException interrupted(int attempts, Throwable cause) {
    return new LlmException(
        endpointDisplay + " interrupted after " + attempts
            + (attempts == 1 ? " attempt" : " attempts"), LlmFailure.interrupted(attempts), cause);
  }

  /**
   * A read or connect timeout ({@link SocketTimeoutException}), or OkHttp's call timeout, which
   * cancels the call and reports it as an {@link InterruptedIOException} "timeout".
   */
  private static boolean isTimeout(IOException e) {
    return e instanceof SocketTimeoutException
        || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
  }

  /** The host of the client's HTTP proxy, or null when it connects directly. */
  private static String proxyHost(OkHttpClient client) {
    Proxy proxy = client.proxy();
    if (proxy == null || proxy.type() == Proxy.Type.DIRECT
        || !(proxy.address() instanceof InetSocketAddress address)) {
      return null;
    }
    return address.getHostString();
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Removes the API key from text that may come from the server. */
  private String redact(String text) {
    if (text == null || apiKey == null) {
      return text;
    }
    return text.replace(apiKey, REDACTED);
  }

  private static HttpUrl chatCompletionsUrl(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    HttpUrl base = HttpUrl.parse(baseUrl.strip());
    if (base == null) {
      throw new IllegalArgumentException("Not an http(s) URL: " + baseUrl);
    }
    // "http://host/v1/" ends in an empty path segment: drop it, so the result is never "v1//chat".
    HttpUrl.Builder url = base.newBuilder();
    List<String> segments = new ArrayList<>(base.pathSegments());
    while (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
      segments.remove(segments.size() - 1);
    }
    url.encodedPath("/");
    segments.forEach(url::addPathSegment);
    return url.addPathSegment("chat").addPathSegment("completions").build();
  }

  @Override
  public String toString() {
    return "OpenAiChatClient[" + endpointDisplay + (apiKey == null ? "" : ", with API key") + "]";
  }

  /**
   * How one attempt ended: a response, a retryable failure, a final rejection, or an interrupt.
   * {@code reason} is already redacted.
   */
  private record Outcome(
      ChatResponse response,
      boolean retryable,
      boolean interrupted,
      LlmFailure.Kind kind,
      int status,
      String reason,
      Throwable cause,
      Duration retryAfter,
      String errorType,
      String errorCode,
      RateLimitInfo limits) {

    static Outcome success(int status, ChatResponse response, RateLimitInfo limits) {
      return new Outcome(
          response, false, false, null, status, null, null, null, null, null, limits);
    }

    /** A failure without an error body: no response, a body cut short, a malformed 2xx. */
    static Outcome retry(
        LlmFailure.Kind kind,
        int status,
        String reason,
        Throwable cause,
        Duration retryAfter,
        RateLimitInfo limits) {
      return new Outcome(
          null, true, false, kind, status, reason, cause, retryAfter, null, null, limits);
    }

    /** A retryable error status (429, 5xx) and what its error body says. */
    static Outcome retryStatus(
        int status,
        String reason,
        Duration retryAfter,
        String errorType,
        String errorCode,
        RateLimitInfo limits) {
      return new Outcome(null, true, false, LlmFailure.Kind.HTTP_STATUS, status, reason, null,
          retryAfter, errorType, errorCode, limits);
    }

    static Outcome reject(
        int status, String reason, String errorType, String errorCode, RateLimitInfo limits) {
      return new Outcome(null, false, false, LlmFailure.Kind.HTTP_STATUS, status, reason, null,
          null, errorType, errorCode, limits);
    }

    static Outcome interrupted(Throwable cause) {
      return new Outcome(null, false, true, LlmFailure.Kind.INTERRUPTED, 0, "interrupted", cause,
          null, null, null, RateLimitInfo.NONE);
    }
  }

  /**
   * Settings of an {@link OpenAiChatClient}. Only {@link #baseUrl} is required; everything else
   * has a default meant for slow LLM servers.
   */
  public static final class Builder {
    private String baseUrl;
    private String apiKey;
    private boolean allowPlainHttpKey;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private OkHttpClient httpClient;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Long seed;
    private RetryListener retryListener = RetryListener.NONE;
    private RequestGate gate = RequestGate.OPEN;
    private int maxConcurrentRequests;
    private Clock clock = Clock.systemUTC();
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.baseUrl = baseUrl;
      b.apiKey = apiKey;
      b.connectTimeout = connectTimeout;
      b.readTimeout = readTimeout;
      b.callTimeout = callTimeout;
      b.retryPolicy = retryPolicy;
      b.httpClient = httpClient;
      b.sleeper = sleeper;
      b.seed = seed;
      b.retryListener = retryListener;
      b.gate = gate;
      b.maxConcurrentRequests = maxConcurrentRequests;
      b.clock = clock;
      b.extraHeaders.putAll(extraHeaders);
      return b;
    }

    /**
     * The API root, e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1};
     * requests go to {@code {baseUrl}/chat/completions}. A trailing slash is fine; a query
     * (Azure's {@code ?api-version=}) is kept.
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /**
     * The key sent as {@code Authorization: Bearer}; null or blank sends no such header, which is
     * what Ollama, vLLM and llama.cpp expect by default. A key goes over https, or over plain http
     * to this machine only: {@link #build} refuses any other endpoint (see {@link KeyTransport}).
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Lets the key travel over plain http to another machine (see {@link KeyTransport}): for a
     * gateway on a network the user trusts that offers no https. Off by default.
     */
    public Builder allowPlainHttpKey(boolean allow) {
      this.allowPlainHttpKey = allow;
      return this;
    }

    /** Default {@link OpenAiChatClient#DEFAULT_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = nonNegative(timeout, "connectTimeout");
      return this;
    }

    /**
     * The longest silence while waiting for the response; default {@link
     * OpenAiChatClient#DEFAULT_READ_TIMEOUT}. Zero means none.
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = nonNegative(timeout, "readTimeout");
      return this;
    }

    /**
     * The bound on one attempt as a whole (not on all retries together); default {@link
     * OpenAiChatClient#DEFAULT_CALL_TIMEOUT}. Zero means none.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = nonNegative(timeout, "callTimeout");
      return this;
    }

    /**
     * The one timeout a user sets: how long one attempt may take, from connecting to the last
     * byte of the reply, whether the server is silent or trickles the reply out. It sets {@link
     * #callTimeout} and {@link #readTimeout} both; a read timeout longer than the call's would
     * never fire, and a call timeout left at its default would cut off a longer wait the user
     * asked for. Retries each get their own; the waits between them are not counted.
     */
    public Builder attemptTimeout(Duration timeout) {
      Duration t = nonNegative(timeout, "attemptTimeout");
      if (t.isZero()) {
        throw new IllegalArgumentException("attemptTimeout must be positive");
      }
      this.callTimeout = t;
      this.readTimeout = t;
      return this;
    }

    /** Default {@link RetryPolicy#DEFAULT}. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
      return this;
    }

    /**
     * A client to derive from, e.g. one with a proxy and proxy authenticator from Maven's
     * settings. Its connection pool, dispatcher, proxy, TLS settings and interceptors are kept;
     * the timeouts of this builder replace its own, and connection-failure retries are switched
     * off because this client retries by itself.
     */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    /** Adds a header to every request, e.g. OpenRouter's {@code HTTP-Referer}. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.equalsIgnoreCase("Authorization")) {
        throw new IllegalArgumentException("Set the Authorization header with apiKey(...)");
      }
      extraHeaders.put(name, value);
      return this;
    }

    /** Who waits between retries; default {@link Sleeper#SYSTEM}. For tests. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Seeds the jitter, so that the delays repeat from run to run. For tests. */
    public Builder jitterSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Told about every retry; default {@link RetryListener#NONE}. */
    public Builder retryListener(RetryListener listener) {
      this.retryListener = Objects.requireNonNull(listener, "retryListener");
      return this;
    }

    /**
     * What every attempt passes through: the run's shared rate limiter, counters and budgets.
     * Default {@link RequestGate#OPEN}.
     */
    public Builder requestGate(RequestGate gate) {
      this.gate = Objects.requireNonNull(gate, "requestGate");
      return this;
    }

    /**
     * How many requests the caller keeps in flight at once: the connection pool keeps that many
     * connections warm. Zero (the default) keeps the HTTP client's own pool settings.
     */
    public Builder maxConcurrentRequests(int requests) {
      if (requests < 0) {
        throw new IllegalArgumentException("maxConcurrentRequests must not be negative");
      }
      this.maxConcurrentRequests = requests;
      return this;
    }

    /** The clock against which a {@code Retry-After} HTTP-date is read. For tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @throws IllegalArgumentException when the base URL is missing or not an http(s) URL, or
     *     when an API key would go over plain http to another machine (see {@link KeyTransport})
     */
    public OpenAiChatClient build() {
      if (baseUrl == null) {
        throw new IllegalArgumentException("baseUrl is required");
      }
      return new OpenAiChatClient(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + d);
      }
      return d;
    }
  }
}
