package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import java.io.File;
import java.time.Duration;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * The base of every {@code reflect} goal that works on a dataset and its cache: where they are,
 * {@code reflect.skip}, and how the goals that send requests ({@code reflect:generate}, {@code
 * reflect:evaluate}) reach the model: endpoint, key, offline mode, concurrency, retries, timeout.
 *
 * <p>Declared once so that both goals read each {@code reflect.*} property the same way and
 * document it the same way. Java has one superclass, so {@code reflect:status} and {@code
 * reflect:compact} (which share the cache-key parameters of {@link AbstractReflectMojo} with
 * {@code generate}) inherit the endpoint parameters too, and ignore them: they send nothing.
 */
abstract class AbstractLlmMojo extends AbstractMojo {

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
   * Where paid-for reflections are kept, and the judgments of {@code reflect:evaluate} beside them
   * ({@code v1/judgments.jsonl}). Outside {@code target/} so that {@code mvn clean} keeps it;
   * commit it to make releases and evaluations reproducible without a key. Several builds may
   * share it at once: appends are locked across processes.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.cacheDirectory", defaultValue = "${project.basedir}/reflect-cache")
  protected File cacheDirectory;

  /**
   * Base URL of an OpenAI-compatible chat-completions API: OpenAI, or e.g. {@code
   * http://localhost:11434/v1} (Ollama), {@code http://localhost:8000/v1} (vLLM), {@code
   * http://localhost:8080/v1} (llama.cpp server). {@code reflect:evaluate} sends the judge's
   * requests there too, unless {@code reflect.evaluate.baseUrl} is set.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.baseUrl", defaultValue = "https://api.openai.com/v1")
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
   * only when the endpoint is https://api.openai.com: a key exported for OpenAI never goes to
   * another endpoint unasked. For any other endpoint that needs a key (OpenRouter, Groq, a
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
   * Skips the goal; {@code -Dreflect.skip} skips every {@code reflect} goal of the build.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.skip", defaultValue = "false")
  protected boolean skip;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  protected MavenSession session;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping reflect:" + goal() + " (reflect.skip)");
      return;
    }
    run();
  }

  /** The goal's name, for messages. */
  abstract String goal();

  /** The goal's work, once {@code reflect.skip} has been checked. */
  abstract void run() throws MojoExecutionException, MojoFailureException;

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
      ApiKeys.Source keys,
      SettingsDecrypter decrypter,
      RetryListener retries)
      throws MojoFailureException {
    return ChatClientFactory.forEndpoint(
        urlProperty,
        url,
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

  /** Fails naming the property, rather than leaving a bad number to fail deep in the core. */
  static void requireAtLeast(String property, int value, int least) throws MojoFailureException {
    if (value < least) {
      throw new MojoFailureException(property + " must be at least " + least + ", found " + value);
    }
  }
}
