package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.KeyTransport;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.LlmRejectedException;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.llm.Sleeper;
import io.github.selfreflect.reflect.llm.TransportSettings;
import io.github.selfreflect.reflect.llm.chain.ChatStack;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * A {@link ChatModel} for an OpenAI-compatible {@code POST /chat/completions} endpoint: OpenAI
 * itself, or Ollama, vLLM, llama.cpp, OpenRouter, Groq and other servers that copy its API. It is
 * the lower half of a {@link ChatStack} (retries and the run's gate) over an {@link
 * OpenAiTransport}, with a builder for the settings a caller sets most: for a library user, a test
 * or a benchmark that wants one client. A run builds the same stack through its provider.
 *
 * <p>Transient trouble is retried under a {@link RetryPolicy}: 408, 409, 429 and every 5xx, I/O
 * errors (refused or reset connections, timeouts, a body cut short) and 2xx bodies that are not
 * JSON or have no choice. Other 4xx fail at once with {@link LlmRejectedException}: a wrong key
 * or model name does not heal by waiting.
 *
 * <p>The client does not judge the reply: a {@code finish_reason} of {@code length} comes back as
 * a normal {@link ChatResponse} whose {@link ChatResponse#truncated()} the caller checks.
 *
 * <p>Exception messages never contain the API key (it is replaced by {@value #REDACTED}); each
 * exception's {@link LlmFailure} says what may be published. A key is never sent in cleartext
 * beyond this machine: with plain http to another host the builder refuses it.
 *
 * <p>Every attempt, retries included, passes through the {@link RequestGate} given to the builder:
 * the run's shared rate limiter, counters and budgets.
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
  public static final String REDACTED = TransportSettings.REDACTED;

  /** Connecting is quick even to a busy server; a long wait means a wrong host or a firewall. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = TransportSettings.DEFAULT_CONNECT_TIMEOUT;

  /**
   * Without streaming the server sends nothing until the whole reply is generated, which takes
   * minutes for a long answer from a local model on a CPU.
   */
  public static final Duration DEFAULT_READ_TIMEOUT = TransportSettings.DEFAULT_READ_TIMEOUT;

  /** The bound on one whole attempt, from connecting to the last byte of the body. */
  public static final Duration DEFAULT_CALL_TIMEOUT = TransportSettings.DEFAULT_CALL_TIMEOUT;

  private final OpenAiTransport transport;
  private final ChatStack stack;
  private final RetryPolicy retryPolicy;
  private final Builder template;

  private OpenAiChatClient(Builder b) {
    this.transport =
        new OpenAiTransport(
            new TransportSettings(
                b.baseUrl,
                b.apiKey,
                b.allowPlainHttpKey,
                b.httpClient,
                b.connectTimeout,
                b.readTimeout,
                b.callTimeout,
                b.maxConcurrentRequests,
                b.extraHeaders,
                b.clock));
    this.stack =
        ChatStack.builder()
            .transport(
                transport,
                b.gate,
                b.retryPolicy,
                b.retryListener,
                b.sleeper,
                b.seed == null ? new Random() : new Random(b.seed))
            .build();
    this.retryPolicy = b.retryPolicy;
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
    return transport.url();
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  @Override
  public ChatResponse complete(ChatRequest request) throws LlmException {
    Objects.requireNonNull(request, "request");
    return stack.complete(request);
  }

  @Override
  public String toString() {
    return "OpenAiChatClient[" + transport.endpoint() + (template.apiKey == null || template.apiKey.isBlank() ? "" : ", with API key") + "]";
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
