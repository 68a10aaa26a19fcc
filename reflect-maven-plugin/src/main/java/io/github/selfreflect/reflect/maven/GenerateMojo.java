package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.openai.RetryPolicy;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import io.github.selfreflect.reflect.pipeline.ReflectFailureException;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;
import javax.inject.Inject;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
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
public final class GenerateMojo extends AbstractMojo {

  /**
   * The folder of chat logs: {@code .json} and {@code .jsonl} files in ShareGPT or OpenAI chat
   * format, found recursively; the format is recognised from the content.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.chats", defaultValue = "${project.basedir}/src/main/chats")
  private File chats;

  /**
   * Where the dataset files are written.
   *
   * @since 0.1.0
   */
  @Parameter(
      property = "reflect.outputDirectory",
      defaultValue = "${project.build.directory}/reflect")
  private File outputDirectory;

  /**
   * Where paid-for reflections are kept. Outside {@code target/} so that {@code mvn clean} keeps
   * it; commit it to make releases reproducible without a key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.cacheDirectory", defaultValue = "${project.basedir}/reflect-cache")
  private File cacheDirectory;

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
   * The model that writes the reflections, as the endpoint names it. It is part of every cache
   * key: changing it re-reflects everything.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.model", required = true)
  private String model;

  /**
   * The prompt template: {@code seed} reproduces the SelfReflectionGPT prompt exactly.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.template", defaultValue = "seed")
  private String template;

  /**
   * Sampling temperature; unset leaves the endpoint's default. Part of the cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.temperature")
  private Double temperature;

  /**
   * The most tokens a reply may have ({@code max_tokens}); unset leaves the endpoint's default. A
   * reply cut off at this limit is a failure, not a result. Part of the cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxTokens")
  private Integer maxTokens;

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
   * Skips the goal.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.skip", defaultValue = "false")
  private boolean skip;

  /**
   * Whether a chat record that cannot be read fails the build (with its file and line). With
   * {@code false} such records are skipped with a warning and counted.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.failOnInvalid", defaultValue = "true")
  private boolean failOnInvalid;

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

  /**
   * The quality filters that keep a reflection out of {@code sft.jsonl} and {@code
   * preference.jsonl}, comma-separated: {@code identical} (the new answer equals the original,
   * whitespace aside), {@code length} (the new answer is empty, or its length ratio to the original
   * lies outside {@code minLengthRatio}..{@code maxLengthRatio}), {@code refusal} (the new answer
   * refuses where the original did not), {@code duplicate} (the same prompt and answer were
   * written earlier in the corpus). {@code none} turns them all off. A filtered target stays in
   * {@code reflections.jsonl} with its reason; {@code manifest.json} counts each reason.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.filters", defaultValue = "identical,length,refusal,duplicate")
  private String filters;

  /**
   * The length filter's lower bound: a new answer shorter than this fraction of the original's
   * length (in characters, each length counted as at least 20) is filtered.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.filter.minLengthRatio", defaultValue = "0.1")
  private double minLengthRatio;

  /**
   * The length filter's upper bound: a new answer longer than this multiple of the original's
   * length (in characters, each length counted as at least 20) is filtered.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.filter.maxLengthRatio", defaultValue = "10")
  private double maxLengthRatio;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  private MavenSession session;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  private PluginDescriptor plugin;

  private final SettingsDecrypter settingsDecrypter;

  @Inject
  public GenerateMojo(SettingsDecrypter settingsDecrypter) {
    this.settingsDecrypter = settingsDecrypter;
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping reflect:generate (reflect.skip)");
      return;
    }
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
    PromptTemplate promptTemplate;
    try {
      promptTemplate = PromptTemplates.byId(template);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("reflect.template: " + e.getMessage(), e);
    }
    OfflineMode mode;
    try {
      mode = OfflineMode.parse(offline);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("reflect.offline: " + e.getMessage(), e);
    }
    if (mode == OfflineMode.OFF && session != null && session.isOffline()) {
      mode = OfflineMode.STRICT;
    }
    FilterSettings filterSettings;
    try {
      filterSettings =
          new FilterSettings(FilterSettings.parseList(filters), minLengthRatio, maxLengthRatio);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(
          "reflect.filters / reflect.filter.minLengthRatio / maxLengthRatio: " + e.getMessage(), e);
    }
    try {
      return new ReflectRequest(
          chats.toPath(),
          outputDirectory.toPath(),
          cacheDirectory.toPath(),
          promptTemplate,
          model,
          new SamplingParameters(temperature, maxTokens),
          mode,
          failOnInvalid,
          concurrency,
          maxReplyAttempts,
          plugin == null ? "unknown" : plugin.getVersion(),
          filterSettings);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Invalid reflect configuration: " + e.getMessage(), e);
    }
  }

  private static void requireAtLeast(String property, int value, int least)
      throws MojoFailureException {
    if (value < least) {
      throw new MojoFailureException(property + " must be at least " + least + ", found " + value);
    }
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
