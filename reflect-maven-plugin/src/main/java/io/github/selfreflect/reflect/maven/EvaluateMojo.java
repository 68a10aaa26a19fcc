package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.evaluate.EvaluateRequest;
import io.github.selfreflect.reflect.evaluate.EvaluationFailureException;
import io.github.selfreflect.reflect.evaluate.EvaluationResult;
import io.github.selfreflect.reflect.evaluate.Evaluator;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.providers.Providers;
import io.github.selfreflect.reflect.pipeline.FailureThreshold;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Function;
import javax.inject.Inject;
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
 * is used. The judge's key is looked up only when a judgment has to be requested, so a fully
 * cached evaluation needs none. Run it after {@code generate}.
 *
 * @since 0.1.0
 */
@Mojo(name = "evaluate", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public final class EvaluateMojo extends AbstractLlmMojo {

  /**
   * The judge model. Defaults to {@code reflect.model}, the model that wrote the reflections; a
   * different, strong model is the fairer judge. Part of every judgment's cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.model")
  private String judgeModel;

  /**
   * The judge's OpenAI-compatible endpoint. Defaults to {@code reflect.baseUrl}. When set, the
   * judge's key comes from {@code reflect.evaluate.serverId} or {@code
   * reflect.evaluate.apiKeyEnvironmentVariable} only (or OPENAI_API_KEY when it is
   * https://api.openai.com), never from the reflector's {@code reflect.serverId} or {@code
   * reflect.apiKeyEnvironmentVariable}: a key meant for one endpoint is not sent to another.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.baseUrl")
  private String judgeBaseUrl;

  /**
   * The id of the settings.xml server entry whose password is the judge's API key. When neither
   * this nor {@code reflect.evaluate.apiKeyEnvironmentVariable} is set, the judge uses the
   * reflector's key ({@code reflect.serverId} or {@code reflect.apiKeyEnvironmentVariable}), but
   * only if it shares the reflector's endpoint ({@code reflect.evaluate.baseUrl} unset).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.serverId")
  private String judgeServerId;

  /**
   * The environment variable that holds the judge's API key when {@code
   * reflect.evaluate.serverId} is not set. Empty (the default): as for the reflector's key, see
   * {@code reflect.evaluate.serverId}; with an endpoint of its own the judge then gets
   * OPENAI_API_KEY if that endpoint is https://api.openai.com, and no key otherwise.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.apiKeyEnvironmentVariable")
  private String judgeApiKeyEnvironmentVariable;

  /**
   * The judge's provider: {@code openai} or {@code anthropic}. Defaults to {@code
   * reflect.provider}. A judge on another provider than the reflector (a Claude judge for GPT
   * reflections is fairer) goes to that provider's own API unless {@code reflect.evaluate.baseUrl}
   * says otherwise, and never gets the reflector's key. Part of every judgment's cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.provider")
  private String judgeProvider;

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
   * Skips this goal only.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.evaluate.skip", defaultValue = "false")
  private boolean skipEvaluate;

  private final SettingsDecrypter settingsDecrypter;

  @Inject
  public EvaluateMojo(SettingsDecrypter settingsDecrypter) {
    this.settingsDecrypter = settingsDecrypter;
  }

  @Override
  String goal() {
    return "evaluate";
  }

  @Override
  void run() throws MojoExecutionException, MojoFailureException {
    if (skipEvaluate) {
      getLog().info("Skipping reflect:evaluate (reflect.evaluate.skip)");
      return;
    }
    EvaluateRequest request = request();
    Function<RequestGate, ChatModel> judges = judges(request.provider());
    try {
      MavenReflectListener listener =
          new MavenReflectListener(getLog(), System::nanoTime, MavenReflectListener.CADENCE);
      Evaluator evaluator = new Evaluator(request, judges, listener);
      Thread onCtrlC =
          ShutdownCancel.register(
              evaluator::cancel, evaluator::awaitFinished, Duration.ofSeconds(shutdownGraceSeconds), getLog());
      EvaluationResult result;
      long started = System.nanoTime();
      try {
        result = evaluator.run();
      } finally {
        ShutdownCancel.unregister(onCtrlC);
        RunReport.evaluationLines(evaluator.lastRun(), request.limits().pricing(), System.nanoTime() - started)
            .forEach(getLog()::info);
      }
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
    } catch (ChatClientFactory.ConfigurationFailure e) {
      throw e.failure();
    } catch (UncheckedIOException | IOException e) {
      throw new MojoExecutionException("reflect:evaluate failed: " + e.getMessage(), e);
    }
  }

  private EvaluateRequest request() throws MojoFailureException {
    String judge = isSet(judgeModel) ? judgeModel : model;
    if (!isSet(judge)) {
      throw new MojoFailureException(
          "reflect:evaluate needs a judge model: set reflect.evaluate.model (or reflect.model)");
    }
    requireAtLeast("reflect.evaluate.sample", sample, 1);
    requireRequestParameters();
    try {
      return new EvaluateRequest(
          outputDirectory.toPath(),
          cacheDirectory.toPath(),
          judge,
          new SamplingParameters(temperature, null),
          sample,
          seed,
          offlineMode(),
          concurrency,
          maxReplyAttempts,
          limits(FailureThreshold.NONE),
          isSet(judgeProvider)
              ? parse("reflect.evaluate.provider", () -> Providers.byId(judgeProvider))
              : provider());
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Invalid reflect:evaluate configuration: " + e.getMessage(), e);
    }
  }

  /**
   * The judge's client, built only if a judgment has to be requested: a cached or offline run
   * looks up no key and no proxy. Retries show at info level: no progress line counts them here.
   */
  private Function<RequestGate, ChatModel> judges(Provider judge) throws MojoFailureException {
    boolean otherProvider = judge != provider();
    boolean ownEndpoint = isSet(judgeBaseUrl) || otherProvider;
    ChatClientFactory clients =
        chatClients(
            isSet(judgeBaseUrl) || !otherProvider ? (isSet(judgeBaseUrl) ? "reflect.evaluate.baseUrl" : "reflect.baseUrl") : "reflect.evaluate.provider",
            isSet(judgeBaseUrl) ? judgeBaseUrl : otherProvider ? judge.defaultBaseUrl() : baseUrl(),
            judge,
            judgeKeys(ownEndpoint),
            settingsDecrypter,
            (attempt, reason, delay) ->
                getLog()
                    .info(
                        "Retrying in " + delay.toMillis() + " ms (attempt " + attempt + "): "
                            + reason));
    // The run's gate (one limiter for every judge request, the counters and the budgets) comes
    // from the evaluator.
    return clients::create;
  }

  /**
   * The judge's own key settings when it has any; else the reflector's, but only for the
   * reflector's endpoint: a key the user meant for {@code reflect.baseUrl} never goes to a judge
   * elsewhere.
   */
  private ApiKeys.Source judgeKeys(boolean ownEndpoint) {
    ApiKeys.Source own =
        new ApiKeys.Source(
            "reflect.evaluate.serverId",
            judgeServerId,
            "reflect.evaluate.apiKeyEnvironmentVariable",
            judgeApiKeyEnvironmentVariable);
    return ownEndpoint || own.namesServer() || own.namesVariable() ? own : keySource();
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
