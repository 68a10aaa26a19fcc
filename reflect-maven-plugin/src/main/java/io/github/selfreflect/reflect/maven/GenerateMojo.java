package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.openai.RetryPolicy;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import io.github.selfreflect.reflect.pipeline.ReflectFailureException;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;
import javax.inject.Inject;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Reflects every assistant turn of the chat logs that later turns can improve, and writes the
 * training data: {@code sft.jsonl}, {@code preference.jsonl}, {@code reflections.jsonl}, {@code
 * failures.jsonl} and {@code manifest.json}.
 *
 * <p>Each reflection is cached as soon as it arrives, so a rerun over the same inputs sends no
 * request, and an edited message re-reflects only the targets whose prompt contains it. Offline
 * ({@code mvn -o} or {@code reflect.offline}) the cache alone is used.
 *
 * @since 0.1.0
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractReflectMojo {

  /**
   * Base URL of an OpenAI-compatible chat-completions API: OpenAI, or e.g. {@code
   * http://localhost:11434/v1} (Ollama), {@code http://localhost:8000/v1} (vLLM), {@code
   * http://localhost:8080/v1} (llama.cpp server).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.baseUrl", defaultValue = "https://api.openai.com/v1")
  private String baseUrl;

  /**
   * {@code true}: use the cache only and fail, listing them, if any reflection is missing. {@code
   * partial}: use the cache only and write what it has. {@code false}: request what is missing.
   * {@code mvn -o} implies {@code true}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.offline", defaultValue = "false")
  private String offline;

  /**
   * The {@code <id>} of a settings.xml {@code <server>} whose {@code <password>} (encrypted or
   * not) is the API key. Without it the key comes from {@code apiKeyEnvironmentVariable}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.serverId")
  private String serverId;

  /**
   * The environment variable that holds the API key when no {@code serverId} is given. Local
   * servers (Ollama, vLLM, llama.cpp) need no key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.apiKeyEnvironmentVariable", defaultValue = "OPENAI_API_KEY")
  private String apiKeyEnvironmentVariable;

  /**
   * Requests in flight at once.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.concurrency", defaultValue = "8")
  private int concurrency;

  /**
   * How many times one target is asked when its reply is unusable (not JSON, K changed, cut off)
   * before it counts as failed.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxReplyAttempts", defaultValue = "3")
  private int maxReplyAttempts;

  /**
   * How many times a request is retried after a rate limit (429), a server error (5xx) or a
   * network failure, with exponential backoff and jitter, honouring {@code Retry-After}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxRetries", defaultValue = "6")
  private int maxRetries;

  /**
   * Seconds to wait for a reply before the request counts as failed (and is retried).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.timeout", defaultValue = "300")
  private int timeoutSeconds;

  private final SettingsDecrypter settingsDecrypter;

  @Inject
  public GenerateMojo(SettingsDecrypter settingsDecrypter) {
    this.settingsDecrypter = settingsDecrypter;
  }

  @Override
  String goal() {
    return "generate";
  }

  @Override
  void run() throws MojoExecutionException, MojoFailureException {
    ReflectRequest request = request();
    ReflectPipeline pipeline =
        new ReflectPipeline(
            request, chatModel(), new MavenReflectListener(getLog(), System::nanoTime));
    try {
      RunSummary summary = pipeline.run();
      logSummary(summary);
    } catch (ReflectFailureException e) {
      if (e.summary() != null) {
        logSummary(e.summary());
      }
      throw new MojoFailureException(e.getMessage(), e);
    } catch (InvalidChatException e) {
      throw new MojoFailureException(
          "Invalid chat record in "
              + chats
              + ": "
              + e.getMessage()
              + " (set reflect.failOnInvalid=false to skip such records)",
          e);
    } catch (UncheckedIOException | IOException e) {
      throw new MojoExecutionException("reflect:generate failed: " + e.getMessage(), e);
    }
  }

  private ReflectRequest request() throws MojoFailureException {
    // Checked here, not left to the core, so that the message names the property to fix; a
    // timeout of 0 would mean "wait forever" to OkHttp, and a negative retry count would only
    // fail once the first request is due.
    requireAtLeast("reflect.concurrency", concurrency, 1);
    requireAtLeast("reflect.maxReplyAttempts", maxReplyAttempts, 1);
    requireAtLeast("reflect.maxRetries", maxRetries, 0);
    requireAtLeast("reflect.timeout", timeoutSeconds, 1);
    OfflineMode mode;
    try {
      mode = OfflineMode.parse(offline);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("reflect.offline: " + e.getMessage(), e);
    }
    if (mode == OfflineMode.OFF && session != null && session.isOffline()) {
      mode = OfflineMode.STRICT;
    }
    return request(mode, concurrency, maxReplyAttempts);
  }

  /** The client is built only if a request has to be sent: a cached or offline run needs no key. */
  private Supplier<ChatModel> chatModel() throws MojoFailureException {
    HttpUrl endpoint = HttpUrl.parse(baseUrl);
    if (endpoint == null) {
      throw new MojoFailureException(
          "reflect.baseUrl: expected an http or https URL such as https://api.openai.com/v1, found '"
              + baseUrl
              + "'");
    }
    String apiKey =
        ApiKeys.find(
            serverId,
            apiKeyEnvironmentVariable,
            session == null ? null : session.getSettings(),
            settingsDecrypter,
            System.getenv());
    OkHttpClient http =
        HttpProxies.configure(
            new OkHttpClient.Builder(),
            endpoint,
            session == null ? null : session.getSettings(),
            settingsDecrypter);
    return () -> {
      if (apiKey == null && "api.openai.com".equals(endpoint.host())) {
        getLog()
            .warn(
                "No API key: set the environment variable "
                    + apiKeyEnvironmentVariable
                    + " or reflect.serverId (a settings.xml <server>)");
      }
      return OpenAiChatClient.builder()
          .baseUrl(baseUrl)
          .apiKey(apiKey)
          .httpClient(http)
          .readTimeout(Duration.ofSeconds(timeoutSeconds))
          .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(maxRetries + 1))
          .retryListener(
              (attempt, reason, delay) ->
                  getLog().info("Retrying in " + delay.toMillis() + " ms (attempt " + attempt + "): " + reason))
          .build();
    };
  }

  private void logSummary(RunSummary s) {
    getLog()
        .info(
            String.format(
                "Reflect: %d conversations, %d targets: %d cached, %d reflected, %d failed, %d"
                    + " skipped; %d requests sent (%d prompt + %d completion tokens)",
                s.conversations(),
                s.targets(),
                s.cached(),
                s.reflected(),
                s.failed(),
                s.skipped(),
                s.requests(),
                s.usage().promptTokens(),
                s.usage().completionTokens()));
    getLog().info("Dataset written to " + outputDirectory);
  }
}
