package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.AdaptiveRateLimiter;
import io.github.selfreflect.reflect.llm.Pricing;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.pipeline.BudgetAction;
import io.github.selfreflect.reflect.pipeline.CorpusRequest;
import io.github.selfreflect.reflect.pipeline.DatasetOptions;
import io.github.selfreflect.reflect.pipeline.PromptOptions;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.FailureThreshold;
import io.github.selfreflect.reflect.pipeline.RunLimits;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import java.io.File;
import java.time.Duration;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * The base of the goals that send requests ({@code reflect:generate}, {@code reflect:evaluate}):
 * where the dataset is, and how they reach the model: provider endpoint, key, offline mode,
 * concurrency, retries, timeout, pace, budgets and prices.
 *
 * <p>Declared once so that both goals read each {@code reflect.*} property the same way and
 * document it the same way. {@code reflect:status} and {@code reflect:compact} send nothing and
 * do not have these: they extend {@link AbstractCorpusMojo} directly. Java has one superclass,
 * so {@code reflect:evaluate}, which reads the dataset rather than the chats, inherits the
 * corpus parameters of {@code generate} too; of those it reads {@code reflect.model} (the default
 * judge) and {@code reflect.provider} (the judge's default provider) only.
 */
abstract class AbstractLlmMojo extends AbstractCorpusMojo {

  /**
   * Where the dataset files are: {@code reflect:generate} writes them there, {@code
   * reflect:evaluate} reads and completes them there.
   *
   * @since 0.1.0
   */
  @Parameter(
      property = "reflect.outputDirectory",
      defaultValue = "${project.build.directory}/reflect")
  protected File outputDirectory;

  /**
   * Base URL of the provider's API; unset: the provider's own ({@code https://api.openai.com/v1},
   * {@code https://api.anthropic.com/v1}). For {@code openai}, any OpenAI-compatible
   * chat-completions API: OpenAI, or e.g. {@code
   * http://localhost:11434/v1} (Ollama), {@code http://localhost:8000/v1} (vLLM), {@code
   * http://localhost:8080/v1} (llama.cpp server). {@code reflect:evaluate} sends the judge's
   * requests there too, unless {@code reflect.evaluate.baseUrl} is set.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.baseUrl")
  protected String baseUrl;

  // No <server> or <id> below: help:describe drops angle brackets as HTML tags ("The of a ...").
  /**
   * The id of a settings.xml server entry whose password (encrypted or not) is the API key, sent
   * to {@code reflect.baseUrl} whatever its host. Without it the key comes from {@code
   * apiKeyEnvironmentVariable}. {@code reflect:evaluate} uses it for the judge too, unless the
   * judge has a key or an endpoint of its own ({@code reflect.evaluate.*}). The key is looked up
   * only when a request is due: a build that finds everything it needs in the cache needs no key,
   * and no such server. A key goes over https only, or over plain http to this machine (localhost,
   * 127.x.x.x, ::1): any other plain http URL fails the build before a request is sent.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.serverId")
  protected String serverId;

  /**
   * The environment variable that holds the API key when no server id is given; its value is sent
   * to {@code reflect.baseUrl} whatever its host. Empty (the default) means OPENAI_API_KEY, but
   * only when the endpoint is https://api.openai.com (with {@code reflect.provider=anthropic}:
   * ANTHROPIC_API_KEY, only for https://api.anthropic.com): a key exported for a provider never
   * goes to another endpoint unasked. For any other endpoint that needs a key (OpenRouter, Groq, a
   * gateway, a vLLM started with --api-key) name the variable here, or use {@code
   * reflect.serverId}. Local servers (Ollama, vLLM, llama.cpp) need no key. A key goes over https
   * only, or over plain http to this machine (localhost, 127.x.x.x, ::1).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.apiKeyEnvironmentVariable")
  protected String apiKeyEnvironmentVariable;

  /**
   * Lets the API key travel over plain http to another machine (an internal gateway that offers
   * no https, on a network you trust), with a warning. Off by default: a key goes over https, or
   * over plain http to this machine only, and the build fails before any request otherwise.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.allowPlainHttpKey", defaultValue = "false")
  protected boolean allowPlainHttpKey;

  /**
   * {@code true}: use the cache only and fail, listing them, if any reflection (for {@code
   * reflect:evaluate}: any judgment) is missing. {@code partial}: use the cache only and write
   * what it has. {@code false}: request what is missing. {@code mvn -o} implies {@code true}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.offline", defaultValue = "false")
  protected String offline;

  /**
   * Seconds that Ctrl-C (or any JVM shutdown) waits for the requests in flight to return and be
   * cached before the build exits. Nothing new is sent once Ctrl-C is pressed.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.shutdownGrace", defaultValue = "10")
  protected int shutdownGraceSeconds;

  /**
   * Requests in flight at once. The run also paces itself to the provider's rate limit: a 429
   * slows every request down (honouring {@code Retry-After} and OpenAI's {@code x-ratelimit-*}
   * headers), and the pace then creeps back up, so it settles just under the limit.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.concurrency", defaultValue = "8")
  protected int concurrency;

  /**
   * How many times one target (for {@code reflect:evaluate}: one judgment) is asked when its reply
   * is unusable (not JSON, K changed, cut off) before it counts as failed.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxReplyAttempts", defaultValue = "3")
  protected int maxReplyAttempts;

  /**
   * How many times a request is retried after a rate limit (429), a server error (5xx) or a
   * network failure, with exponential backoff and jitter, honouring {@code Retry-After}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxRetries", defaultValue = "6")
  protected int maxRetries;

  /**
   * Seconds one attempt of a request may take as a whole, from connecting to the last byte of the
   * reply, however the reply arrives (all at once after a silence, or trickling in). An attempt
   * that takes longer is abandoned and counts as failed, and is retried (see {@code
   * reflect.maxRetries}), each retry with the same bound; the waits between retries and for the
   * rate limit are not counted. Without streaming a server sends nothing until the whole reply is
   * written, so allow for the slowest reply of the model.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.timeout", defaultValue = "300")
  protected int timeoutSeconds;

  /**
   * A hard cap on requests sent per minute, retries included, whatever the server allows; unset
   * or 0 means none (the adaptive pace alone).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxRequestsPerMinute")
  protected Integer maxRequestsPerMinute;

  /**
   * A hard cap on tokens (prompt and reply) spent per minute; unset or 0 means none. Each request
   * is charged an estimate when sent and its real usage when it returns.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxTokensPerMinute")
  protected Integer maxTokensPerMinute;

  /**
   * The most HTTP requests this run sends, retries included; unset or 0 means no limit. When it
   * is reached the run stops sending, keeps every reply received (they are cached) and acts as
   * {@code onBudget} says.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxRequests")
  protected Long maxRequests;

  /**
   * The most tokens (prompt and reply, as the API's {@code usage} reports them) this run spends;
   * unset or 0 means no limit. A request is sent only while the tokens spent plus the estimates
   * of the requests in flight stay under it. When it is reached the run stops sending and acts
   * as {@code onBudget} says.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxTokens")
  protected Long maxTokens;

  /**
   * What a run does when {@code maxRequests} or {@code maxTokens} is reached: {@code fail} (the
   * build fails saying how many targets remain; the next build resumes from the cache) or {@code
   * partial} (the dataset of what is there is written, with a warning).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.onBudget", defaultValue = "fail")
  protected String onBudget;

  /**
   * Your prices per million tokens, as {@code input,cachedInput,output} (e.g. {@code
   * 2.50,1.25,10.00}), to turn the token usage into a cost in the summary and the manifest. No
   * prices are built in: they change and differ per provider, model and contract.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.pricing")
  protected String pricing;

  /** {@code reflect.offline}, made {@code true} by {@code mvn -o}. */
  final OfflineMode offlineMode() throws MojoFailureException {
    OfflineMode mode;
    try {
      mode = OfflineMode.parse(offline);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("reflect.offline: " + e.getMessage(), e);
    }
    return mode == OfflineMode.OFF && session != null && session.isOffline()
        ? OfflineMode.STRICT
        : mode;
  }

  /**
   * Checks the numbers that shape how requests are sent. Checked up front, not left to the core,
   * so that the message names the property to fix, before anything is paid for: a timeout of 0
   * would mean "wait forever" to OkHttp, and a negative retry count would only fail once the first
   * request is due.
   */
  final void requireRequestParameters() throws MojoFailureException {
    requireAtLeast("reflect.concurrency", concurrency, 1);
    requireAtLeast("reflect.maxReplyAttempts", maxReplyAttempts, 1);
    requireAtLeast("reflect.maxRetries", maxRetries, 0);
    requireAtLeast("reflect.timeout", timeoutSeconds, 1);
  }

  /** Where {@code reflect.baseUrl}'s key comes from: {@code reflect.serverId} and the variable. */
  final ApiKeys.Source keySource() {
    return new ApiKeys.Source(
        "reflect.serverId", serverId, "reflect.apiKeyEnvironmentVariable", apiKeyEnvironmentVariable);
  }

  /**
   * The clients of a goal that sends requests, to the endpoint {@code url} (set by {@code
   * urlProperty}) with the key {@code keys} names. The URL's syntax is checked now; the key and the
   * proxy are looked up only when a client is built, that is, when a request is due.
   */
  final ChatClientFactory chatClients(
      String urlProperty,
      String url,
      Provider provider,
      ApiKeys.Source keys,
      SettingsDecrypter decrypter,
      RetryListener retries)
      throws MojoFailureException {
    return ChatClientFactory.forEndpoint(
        urlProperty,
        url,
        provider,
        new ChatClientFactory.KeyAndProxy(
            keys,
            session == null ? null : session.getSettings(),
            decrypter,
            System.getenv(),
            allowPlainHttpKey),
        Duration.ofSeconds(timeoutSeconds),
        maxRetries,
        concurrency,
        retries,
        getLog());
  }

  /**
   * The run's pace, budgets and prices, with the goal's failure tolerance; checked here so that a
   * message names the property to fix.
   */
  final RunLimits limits(FailureThreshold maxFailures) throws MojoFailureException {
    AdaptiveRateLimiter.Caps caps;
    try {
      caps =
          new AdaptiveRateLimiter.Caps(
              maxRequestsPerMinute == null ? 0 : maxRequestsPerMinute,
              maxTokensPerMinute == null ? 0 : maxTokensPerMinute);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(
          "reflect.maxRequestsPerMinute / reflect.maxTokensPerMinute: " + e.getMessage(), e);
    }
    BudgetAction budgetAction = parse("reflect.onBudget", () -> BudgetAction.parse(onBudget));
    Pricing prices = pricing == null || pricing.isBlank()
        ? null
        : parse("reflect.pricing", () -> Pricing.parse(pricing));
    if ((maxRequests != null && maxRequests < 0) || (maxTokens != null && maxTokens < 0)) {
      throw new MojoFailureException(
          "reflect.maxRequests and reflect.maxTokens must not be negative (0 means no limit)");
    }
    return new RunLimits(
        caps,
        maxRequests == null ? 0 : maxRequests,
        maxTokens == null ? 0 : maxTokens,
        budgetAction,
        maxFailures,
        prices);
  }

  /** {@code reflect.baseUrl}, or the provider's own API when it is not set. */
  final String baseUrl() throws MojoFailureException {
    return baseUrl == null || baseUrl.isBlank() ? provider().defaultBaseUrl() : baseUrl;
  }



  /** The core's request for {@code generate}: the corpus part, and how the run sends and writes. */
  final ReflectRequest request(
      OfflineMode mode,
      DatasetOptions dataset,
      FilterSettings filters,
      RunLimits limits)
      throws MojoFailureException {
    CorpusRequest corpus = corpus();
    try {
      return new ReflectRequest(
          corpus.chatsDirectory(),
          outputDirectory.toPath(),
          corpus.cacheDirectory(),
          corpus.template(),
          corpus.model(),
          corpus.sampling(),
          mode,
          corpus.failOnInvalid(),
          concurrency,
          maxReplyAttempts,
          plugin == null ? "unknown" : plugin.getVersion(),
          corpus.window(),
          dataset,
          filters,
          limits,
          new PromptOptions(corpus.structuredOutput(), targetsPerRequest),
          corpus.provider());
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Invalid reflect configuration: " + e.getMessage(), e);
    }
  }
}
