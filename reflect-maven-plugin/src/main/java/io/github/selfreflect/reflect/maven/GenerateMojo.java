package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.cache.BaselineCache;
import io.github.selfreflect.reflect.cache.InvalidBaselineException;
import io.github.selfreflect.reflect.cache.UnsupportedCacheFormatException;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.dataset.DatasetCard;
import io.github.selfreflect.reflect.dataset.DatasetFormat;
import io.github.selfreflect.reflect.dataset.SftSelection;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.pipeline.DatasetOptions;
import io.github.selfreflect.reflect.pipeline.FailureThreshold;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import io.github.selfreflect.reflect.pipeline.ReflectFailureException;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.RepositorySystem;

/**
 * Reflects every assistant turn of the chat logs that later turns can improve, and writes the
 * training data: {@code sft.jsonl}, {@code preference.jsonl}, {@code reflections.jsonl} (as chosen
 * by {@code reflect.formats}), {@code failures.jsonl}, the page {@code report.html}, the dataset
 * card {@code README.md} and {@code manifest.json}; and the cache entries the dataset was made
 * from, for {@code reflect:package} to release. Quality filters ({@code reflect.filters}) keep
 * weak reflections out of the SFT and preference files. With {@code reflect.baseline} the cache is first seeded from an
 * earlier release's {@code reflect-cache} artifact.
 *
 * <p>Each reflection is cached as soon as it arrives, so a rerun over the same inputs sends no
 * request, and an edited message re-reflects only the targets whose prompt contains it. Offline
 * ({@code mvn -o} or {@code reflect.offline}) the cache alone is used.
 *
 * @since 0.1.0
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractLlmMojo {

  /**
   * Which targets go into {@code sft.jsonl}: {@code all} (revised answers, and originals the
   * model chose to keep) or {@code revised} (revised answers only). A {@code keep} verdict never
   * makes a preference pair.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.sft", defaultValue = "all")
  private String sft;

  /**
   * Rebuilds the dataset even when nothing it is made from has changed since the last build. By
   * default a build first compares the chat files (by SHA-256), the cache, the settings, Reflect
   * itself and the dataset files with what the last complete build recorded beside the output
   * directory (in {@code <outputDirectory>.build-state.json}, e.g. {@code
   * target/reflect.build-state.json}; not inside it, because the output directory is what gets
   * packed), and when all are unchanged it leaves the dataset as it is, as the compiler leaves
   * up-to-date classes. {@code mvn clean} has the same effect as this flag.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.force", defaultValue = "false")
  private boolean force;

  /**
   * How many targets may fail (replies that stayed unusable, requests that failed after every
   * retry) before the build fails: a count such as {@code 10}, or a share of all targets such as
   * {@code 5%}. Either way every success is cached first and every failure is listed in {@code
   * failures.jsonl}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxFailures", defaultValue = "0")
  private String maxFailures;

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

  /**
   * The training-data files to write, comma-separated: any of {@code sft}, {@code preference},
   * {@code reflections}. {@code failures.jsonl}, {@code manifest.json} and the dataset card
   * {@code README.md} are always written.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.formats", defaultValue = "sft,preference,reflections")
  private String formats;

  /**
   * The licence of the data, as a Hugging Face licence identifier ({@code apache-2.0}, {@code
   * cc-by-4.0}, {@code mit}, {@code other}, ...), written to the dataset card. The default says
   * honestly that nobody has stated one.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.license", defaultValue = DatasetCard.DEFAULT_LICENSE)
  private String license;

  /**
   * The languages of the conversations, comma-separated ISO 639 codes ({@code en}, {@code de}),
   * written to the dataset card.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.language", defaultValue = DatasetCard.DEFAULT_LANGUAGE)
  private String language;

  /**
   * The dataset's name on its card.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.datasetTitle", defaultValue = "${project.name}")
  private String datasetTitle;

  /**
   * The paragraph under the name on the dataset card.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.datasetDescription", defaultValue = "${project.description}")
  private String datasetDescription;

  /**
   * Where the cache entries the dataset was made from are written, in corpus order, for {@code
   * reflect:package} to release (classifier {@code reflect-cache}).
   *
   * @since 0.1.0
   */
  @Parameter(
      property = "reflect.cacheSnapshotDirectory",
      defaultValue = "${project.build.directory}/reflect-cache")
  private File cacheSnapshotDirectory;

  /**
   * An earlier release of this project (same groupId and artifactId) whose {@code reflect-cache}
   * artifact seeds the cache before reflecting: a version such as {@code 1.0}, or {@code LATEST}
   * for the newest release other than this version (none yet: no baseline). It is resolved from
   * the configured repositories, so a fresh clone with no committed cache pays only for targets
   * that are new since that release. Records already in the cache win.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.baseline")
  private String baseline;

  /**
   * The largest inflated records file a baseline archive may hold; a larger one is refused (an
   * archive from a repository is untrusted input).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.baselineMaxBytes", defaultValue = "4294967296")
  private long baselineMaxBytes;

  @Parameter(defaultValue = "${project}", readonly = true)
  private MavenProject project;

  private final SettingsDecrypter settingsDecrypter;
  private final RepositorySystem repositorySystem;

  @Inject
  public GenerateMojo(SettingsDecrypter settingsDecrypter, RepositorySystem repositorySystem) {
    this.settingsDecrypter = settingsDecrypter;
    this.repositorySystem = repositorySystem;
  }

  @Override
  String goal() {
    return "generate";
  }

  @Override
  void run() throws MojoExecutionException, MojoFailureException {
    ReflectRequest request = request();
    seedFromBaseline();
    ReflectPipeline pipeline =
        new ReflectPipeline(
            request,
            chatModel(),
            new MavenReflectListener(getLog(), System::nanoTime, MavenReflectListener.CADENCE))
            .skipWhenUpToDate(!force);
    long started = System.nanoTime();
    Thread onCtrlC =
        ShutdownCancel.register(
            pipeline::cancel, pipeline::awaitFinished, Duration.ofSeconds(shutdownGraceSeconds), getLog());
    try {
      RunSummary summary = pipeline.run();
      logSummary(summary, request, System.nanoTime() - started);
      getLog().info(
          (summary.upToDate() ? "Dataset up to date in " : "Dataset written to ") + outputDirectory);
    } catch (ReflectFailureException e) {
      if (e.summary() != null) {
        logSummary(e.summary(), request, System.nanoTime() - started);
      }
      throw new MojoFailureException(e.getMessage(), e);
    } catch (ChatClientFactory.ConfigurationFailure e) {
      throw e.failure();
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
    } finally {
      ShutdownCancel.unregister(onCtrlC);
    }
  }

  private ReflectRequest request() throws MojoFailureException {
    requireRequestParameters();
    SftSelection sftSelection;
    try {
      sftSelection = SftSelection.parse(sft);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("reflect.sft: " + e.getMessage(), e);
    }
    OfflineMode mode = offlineMode();
    FilterSettings filterSettings;
    try {
      filterSettings =
          new FilterSettings(FilterSettings.parseList(filters), minLengthRatio, maxLengthRatio);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(
          "reflect.filters / reflect.filter.minLengthRatio / maxLengthRatio: " + e.getMessage(), e);
    }
    return request(
        mode,
        datasetOptions().withSft(sftSelection),
        filterSettings,
        limits(parse("reflect.maxFailures", () -> FailureThreshold.parse(maxFailures))));
  }

  private DatasetOptions datasetOptions() throws MojoFailureException {
    Set<DatasetFormat> chosen;
    try {
      chosen = DatasetFormat.parseList(formats);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("reflect.formats: " + e.getMessage(), e);
    }
    DatasetCard card;
    try {
      card =
          new DatasetCard(
              title(),
              datasetDescription,
              license,
              DatasetCard.parseLanguages(language));
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(
          "reflect.license / reflect.language: " + e.getMessage(), e);
    }
    return new DatasetOptions(
        chosen, card, cacheSnapshotDirectory == null ? null : cacheSnapshotDirectory.toPath());
  }

  /** The card's title: the configured one, else the project's name, else its artifactId. */
  private String title() {
    if (datasetTitle != null && !datasetTitle.isBlank()) {
      return datasetTitle;
    }
    return project != null ? project.getArtifactId() : DatasetCard.DEFAULT.title();
  }

  /** With {@code reflect.baseline}: adds the earlier release's reflections to the local cache. */
  private void seedFromBaseline() throws MojoFailureException, MojoExecutionException {
    if (baseline == null || baseline.isBlank()) {
      return;
    }
    if (project == null || session == null) {
      throw new MojoExecutionException("reflect.baseline needs a Maven project and session");
    }
    if (baselineMaxBytes < 1) {
      throw new MojoFailureException(
          "reflect.baselineMaxBytes must be at least 1, found " + baselineMaxBytes);
    }
    BaselineResolver resolver =
        new BaselineResolver(
            repositorySystem,
            session.getRepositorySession(),
            BaselineResolver.releaseSources(repositorySystem, session.getRepositorySession(), project));
    Optional<BaselineResolver.Resolved> resolved =
        resolver.resolve(project.getGroupId(), project.getArtifactId(), baseline.strip(), project.getVersion());
    if (resolved.isEmpty()) {
      // A first release has none; anything else is a repository setup that pays for everything.
      getLog().warn(
          "reflect.baseline=LATEST: no earlier release of " + project.getGroupId() + ":"
              + project.getArtifactId() + " in " + resolver.searched()
              + "; starting from the cache as it is");
      return;
    }
    try {
      BaselineCache.Result result =
          BaselineCache.seed(
              resolved.get().file().toPath(),
              cacheDirectory.toPath(),
              baselineMaxBytes,
              getLog()::warn);
      getLog()
          .info(
              String.format(
                  "Baseline %s: %d reflections, %d added to the cache%s",
                  resolved.get().coordinates(),
                  result.offered(),
                  result.added(),
                  result.droppedLines() > 0
                      ? ", " + result.droppedLines() + " damaged lines skipped"
                      : ""));
    } catch (InvalidBaselineException | UnsupportedCacheFormatException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException(
          "reflect.baseline: reading " + resolved.get().file() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The client, with its key and proxy, is built only if a request has to be sent: a cached or
   * offline run needs no key (see {@link ChatClientFactory}). Retries show at debug level: the
   * progress lines count them.
   */
  private Function<RequestGate, ChatModel> chatModel() throws MojoFailureException {
    ChatClientFactory clients =
        chatClients(
            "reflect.baseUrl",
            baseUrl(),
            provider(),
            keySource(),
            settingsDecrypter,
            (attempt, reason, delay) ->
                getLog()
                    .debug(
                        "Retrying in " + delay.toMillis() + " ms (attempt " + attempt + "): "
                            + reason));
    return clients::create;
  }

  private void logSummary(RunSummary s, ReflectRequest request, long elapsedNanos) {
    for (String line : RunReport.lines(s, request.limits().pricing(), elapsedNanos)) {
      getLog().info(line);
    }
  }
}
