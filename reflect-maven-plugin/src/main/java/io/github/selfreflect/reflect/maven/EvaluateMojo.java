package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.evaluate.EvaluateRequest;
import io.github.selfreflect.reflect.evaluate.EvaluationFailureException;
import io.github.selfreflect.reflect.evaluate.EvaluationResult;
import io.github.selfreflect.reflect.evaluate.Evaluator;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.openai.RetryPolicy;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
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
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Measures how much better the revised answers are: a judge model compares the original and the
 * revised answer of a seeded random sample of the dataset's preference pairs, each pair twice (A/B
 * then B/A); a pair is a win or a loss only when both orders agree, otherwise a tie. Writes {@code
 * evaluation.json} (wins, ties, losses, the win rate with a Wilson 95% interval, mean answer
 * lengths, the judge, the seed), puts the headline into {@code manifest.json} and the results into
 * {@code report.html}.
 *
 * <p>Judgments are cached in the cache directory ({@code v1/judgments.jsonl}) like reflections:
 * a rerun sends no request, and offline ({@code mvn -o} or {@code reflect.offline}) the cache alone
 * is used. Run it after {@code generate}.
 *
 * @since 0.1.0
 */
@Mojo(name = "evaluate", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public final class EvaluateMojo extends AbstractMojo {

  /**
   * The dataset to evaluate, as written by {@code reflect:generate}.
   *
   * @since 0.1.0
   */
  @Parameter(
      property = "reflect.outputDirectory",
      defaultValue = "${project.build.directory}/reflect")
  private File outputDirectory;

  /**
   * The cache folder; judgments are kept next to the reflections, in {@code v1/judgments.jsonl}.
   * Commit it to make evaluations reproducible without a key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.cacheDirectory", defaultValue = "${project.basedir}/reflect-cache")
  private File cacheDirectory;

  /**
   * The judge model. Defaults to {@code reflect.model}, the model that wrote the reflections; a
   * different, strong model is the fairer judge. Part of every judgment's cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.model")
  private String judgeModel;

  /**
   * The reflecting model, used as the judge when {@code reflect.evaluate.model} is not set.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.model")
  private String model;

  /**
   * The judge's OpenAI-compatible endpoint. Defaults to {@code reflect.baseUrl}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.baseUrl")
  private String judgeBaseUrl;

  /**
   * The reflector's endpoint, used for the judge when {@code reflect.evaluate.baseUrl} is not set.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.baseUrl", defaultValue = "https://api.openai.com/v1")
  private String baseUrl;

  /**
   * The settings.xml {@code <server>} whose password is the judge's API key. Defaults to {@code
   * reflect.serverId}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.serverId")
  private String judgeServerId;

  /**
   * The reflector's settings.xml server, used for the judge when {@code reflect.evaluate.serverId}
   * is not set.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.serverId")
  private String serverId;

  /**
   * The environment variable holding the API key when no server id is given.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.apiKeyEnvironmentVariable", defaultValue = "OPENAI_API_KEY")
  private String apiKeyEnvironmentVariable;

  /**
   * The judge's sampling temperature; unset leaves the endpoint's default. Part of the cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.temperature")
  private Double temperature;

  /**
   * How many preference pairs to judge at most (each costs two requests).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.sample", defaultValue = "200")
  private int sample;

  /**
   * The seed of the random sample: the same seed draws the same pairs.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.seed", defaultValue = "1")
  private long seed;

  /**
   * {@code true}: use cached judgments only and fail, listing them, if any is missing. {@code
   * partial}: judge with what is cached. {@code false}: request what is missing. {@code mvn -o}
   * implies {@code true}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.offline", defaultValue = "false")
  private String offline;

  /**
   * Requests in flight at once.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.concurrency", defaultValue = "8")
  private int concurrency;

  /**
   * How many times one judgment is asked when the reply is unusable before it counts as failed.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxReplyAttempts", defaultValue = "3")
  private int maxReplyAttempts;

  /**
   * Retries of a request after a rate limit, a server error or a network failure.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxRetries", defaultValue = "6")
  private int maxRetries;

  /**
   * Seconds to wait for a reply.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.timeout", defaultValue = "300")
  private int timeoutSeconds;

  /**
   * Skips every Reflect goal.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.skip", defaultValue = "false")
  private boolean skip;

  /**
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.skip", defaultValue = "false")
  private boolean skipEvaluate;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  private MavenSession session;

  private final SettingsDecrypter settingsDecrypter;

  @Inject
  public EvaluateMojo(SettingsDecrypter settingsDecrypter) {
    this.settingsDecrypter = settingsDecrypter;
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipEvaluate) {
      getLog().info("Skipping reflect:evaluate (" + (skip ? "reflect.skip" : "reflect.evaluate.skip") + ")");
      return;
    }
    String judge = judgeModel != null && !judgeModel.isBlank() ? judgeModel : model;
    if (judge == null || judge.isBlank()) {
      throw new MojoFailureException(
          "reflect:evaluate needs a judge model: set reflect.evaluate.model (or reflect.model)");
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
    requireAtLeast("reflect.evaluate.sample", sample, 1);
    requireAtLeast("reflect.concurrency", concurrency, 1);
    requireAtLeast("reflect.maxReplyAttempts", maxReplyAttempts, 1);
    requireAtLeast("reflect.maxRetries", maxRetries, 0);
    requireAtLeast("reflect.timeout", timeoutSeconds, 1);
    EvaluateRequest request;
    try {
      request =
          new EvaluateRequest(
              outputDirectory.toPath(),
              cacheDirectory.toPath(),
              judge,
              new SamplingParameters(temperature, null),
              sample,
              seed,
              mode,
              concurrency,
              maxReplyAttempts);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Invalid reflect:evaluate configuration: " + e.getMessage(), e);
    }
    try {
      MavenReflectListener listener =
          new MavenReflectListener(getLog(), System::nanoTime, MavenReflectListener.CADENCE);
      EvaluationResult result = new Evaluator(request, judgeClient(), listener).run();
      getLog()
          .info(
              String.format(
                  "Evaluation: %d wins, %d ties, %d losses; mean length %.0f -> %.0f characters; written to %s",
                  result.wins(),
                  result.ties(),
                  result.losses(),
                  result.meanOriginalLength(),
                  result.meanRevisedLength(),
                  outputDirectory));
    } catch (EvaluationFailureException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (UncheckedIOException | IOException e) {
      throw new MojoExecutionException("reflect:evaluate failed: " + e.getMessage(), e);
    }
  }

  private static void requireAtLeast(String property, int value, int least)
      throws MojoFailureException {
    if (value < least) {
      throw new MojoFailureException(property + " must be at least " + least + ", found " + value);
    }
  }

  /** Built only if a judgment has to be requested: a cached or offline run needs no key. */
  private Supplier<ChatModel> judgeClient() throws MojoFailureException {
    String url = judgeBaseUrl != null && !judgeBaseUrl.isBlank() ? judgeBaseUrl : baseUrl;
    HttpUrl endpoint = HttpUrl.parse(url);
    if (endpoint == null) {
      throw new MojoFailureException(
          "reflect.evaluate.baseUrl: expected an http or https URL such as https://api.openai.com/v1, found '"
              + url
              + "'");
    }
    String apiKey =
        ApiKeys.find(
            judgeServerId != null && !judgeServerId.isBlank() ? judgeServerId : serverId,
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
    return () ->
        OpenAiChatClient.builder()
            .baseUrl(url)
            .apiKey(apiKey)
            .httpClient(http)
            .readTimeout(Duration.ofSeconds(timeoutSeconds))
            .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(maxRetries + 1))
            .retryListener(
                (attempt, reason, delay) ->
                    getLog().info("Retrying in " + delay.toMillis() + " ms (attempt " + attempt + "): " + reason))
            .build();
  }
}
