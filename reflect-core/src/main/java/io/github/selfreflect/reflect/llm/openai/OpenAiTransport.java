package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.llm.ChatTransport;
import io.github.selfreflect.reflect.llm.Exchange;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.RateLimitInfo;
import io.github.selfreflect.reflect.llm.RetryAfter;
import io.github.selfreflect.reflect.llm.TransportSettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.Objects;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The wire of an OpenAI-compatible {@code POST /chat/completions} endpoint: OpenAI itself, or
 * Ollama, vLLM, llama.cpp, OpenRouter, Groq and other servers that copy its API. Sends the
 * canonical body of {@link ChatRequestJson} (the same bytes the cache key is computed from), the
 * key as {@code Authorization: Bearer}, and reads the first choice, the {@code x-ratelimit-*}
 * headers and the {@code {"error": {...}}} body. 408, 409, 429 and every 5xx, I/O errors and 2xx
 * bodies that are not a completion are retryable; other statuses are not.
 *
 * <p>Messages never contain the API key, even when a server echoes the {@code Authorization}
 * header into its error body: the key is replaced by {@value TransportSettings#REDACTED}.
 */
public final class OpenAiTransport implements ChatTransport {

  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpUrl endpoint;
  private final String endpointDisplay;
  private final OkHttpClient http;
  private final Headers headers;
  private final TransportSettings settings;
  private final Clock clock;

  /**
   * @throws IllegalArgumentException when the base URL is no http(s) URL, or the key would cross
   *     a network in cleartext
   */
  public OpenAiTransport(TransportSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.endpoint = settings.endpoint("chat", "completions");
    this.endpointDisplay = "POST " + endpoint.newBuilder().username("").password("").build();
    this.http = settings.httpClient(endpoint);
    Headers.Builder h = new Headers.Builder();
    h.set("User-Agent", OpenAiChatClient.USER_AGENT);
    h.set("Accept", "application/json");
    settings.headers().forEach(h::set);
    if (settings.apiKey() != null) {
      h.set("Authorization", "Bearer " + settings.apiKey());
    }
    this.headers = h.build();
    this.clock = settings.clock();
  }

  /** The URL requests go to: {@code {baseUrl}/chat/completions}. */
  public HttpUrl url() {
    return endpoint;
  }

  @Override
  public String endpoint() {
    return endpointDisplay;
  }

  @Override
  public Exchange send(ChatRequest request) {
    byte[] body = ChatRequestJson.toUtf8(request); // the bytes the cache key was computed from
    Request httpRequest =
        new Request.Builder().url(endpoint).headers(headers).post(RequestBody.create(body, JSON)).build();
    try (Response response = http.newCall(httpRequest).execute()) {
      int status = response.code();
      RateLimitInfo limits = RateLimitHeaders.parse(response.headers());
      String text;
      try {
        text = response.body().string();
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          return Exchange.interrupted(e);
        }
        return Exchange.retry(
            isTimeout(e) ? LlmFailure.Kind.TIMEOUT : LlmFailure.Kind.RESPONSE_CUT_SHORT, status,
            redact("returned " + status + " but the body failed: " + describe(e)), e, limits);
      }
      if (status >= 200 && status < 300) {
        try {
          return Exchange.reply(status, ChatCompletionParser.parse(text), limits);
        } catch (MalformedResponseException e) {
          return Exchange.retry(
              LlmFailure.Kind.MALFORMED_RESPONSE, status,
              redact("returned " + status + " with " + e.getMessage()), e.getCause(), limits);
        }
      }
      ServerError error = ServerError.of(text);
      String reason = redact("returned " + status + ": " + error.message());
      if (isRetryable(status)) {
        return Exchange.retryStatus(
            status, reason, RetryAfter.parse(response.headers(), clock.instant()),
            redact(error.type()), redact(error.code()), limits);
      }
      return Exchange.reject(status, reason, redact(error.type()), redact(error.code()), limits);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()
          || (e instanceof InterruptedIOException && "interrupted".equals(e.getMessage()))) {
        return Exchange.interrupted(e);
      }
      return Exchange.retry(
          isTimeout(e) ? LlmFailure.Kind.TIMEOUT : LlmFailure.Kind.CONNECTION, 0,
          redact(describe(e)), e, RateLimitInfo.NONE);
    }
  }

  /**
   * 408 (request timeout) and 409 (OpenAI's "conflict" on concurrent updates) are transient by
   * definition, 429 is a rate limit, and a 5xx is the server's own trouble.
   */
  static boolean isRetryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /**
   * A read or connect timeout ({@link SocketTimeoutException}), or OkHttp's call timeout, which
   * cancels the call and reports it as an {@link InterruptedIOException} "timeout".
   */
  static boolean isTimeout(IOException e) {
    return e instanceof SocketTimeoutException
        || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
  }

  static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private String redact(String text) {
    return settings.redact(text);
  }

  @Override
  public String toString() {
    return "OpenAiTransport[" + endpointDisplay + (settings.apiKey() == null ? "" : ", with API key") + "]";
  }
}
