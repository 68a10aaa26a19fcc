package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.pipeline.DatasetOptions;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunLimits;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import java.io.File;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The parameters every {@code reflect} goal reads the same way: where the chats, the cache and the
 * dataset are, and everything that enters a cache key (model, template, sampling, window). Shared
 * so that {@code reflect:status} and {@code reflect:compact} compute exactly the keys {@code
 * reflect:generate} does.
 */
abstract class AbstractReflectMojo extends AbstractMojo {

  /**
   * The folder of chat logs: {@code .json} and {@code .jsonl} files in ShareGPT or OpenAI chat
   * format, found recursively; the format is recognised from the content.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.chats", defaultValue = "${project.basedir}/src/main/chats")
  protected File chats;

  /**
   * Where the dataset files are written.
   *
   * @since 0.1.0
   */
  @Parameter(
      property = "reflect.outputDirectory",
      defaultValue = "${project.build.directory}/reflect")
  protected File outputDirectory;

  /**
   * Where paid-for reflections are kept. Outside {@code target/} so that {@code mvn clean} keeps
   * it; commit it to make releases reproducible without a key. Several builds may share it at
   * once: appends are locked across processes.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.cacheDirectory", defaultValue = "${project.basedir}/reflect-cache")
  protected File cacheDirectory;

  /**
   * The model that writes the reflections, as the endpoint names it. It is part of every cache
   * key: changing it re-reflects everything.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.model", required = true)
  protected String model;

  /**
   * The prompt template: {@code seed} reproduces the SelfReflectionGPT prompt exactly.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.template", defaultValue = "seed")
  protected String template;

  /**
   * Sampling temperature; unset leaves the endpoint's default. Part of the cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.temperature")
  protected Double temperature;

  /**
   * The most tokens a reply may have (sent as {@code max_tokens}); unset leaves the endpoint's
   * default. A reply cut off at this limit is retried, then a failure, never a result. Part of the
   * cache key. (Not to be confused with {@code reflect.maxTokens}, the budget of a whole run.)
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxCompletionTokens")
  protected Integer maxCompletionTokens;

  /**
   * How many exchanges after a target the model is shown as hindsight; {@code 0} (the default)
   * shows the rest of the conversation. An exchange is a user message and what follows it up to
   * the next user message. The shown part is what enters the cache key, so with a window,
   * appending turns to a conversation leaves the reflections of targets more than N exchanges
   * back cached, and prompts stay short; the price is that the model cannot see a mistake that
   * only shows later than N exchanges on. Changing the window re-reflects every target whose
   * shown part changes.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.window", defaultValue = "0")
  protected int window;

  /**
   * Whether a chat record that cannot be read fails the build (with its file and line). With
   * {@code false} such records are skipped with a warning and counted.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.failOnInvalid", defaultValue = "true")
  protected boolean failOnInvalid;

  /**
   * Skips the goal.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.skip", defaultValue = "false")
  protected boolean skip;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  protected MavenSession session;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  protected PluginDescriptor plugin;

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

  /**
   * The core's request for a goal that only reads the corpus and the cache (status, compact): the
   * same cache keys as {@code reflect:generate}, default dataset options, no limits.
   */
  ReflectRequest request(OfflineMode mode, int concurrency, int maxReplyAttempts)
      throws MojoFailureException {
    return request(
        mode,
        concurrency,
        maxReplyAttempts,
        DatasetOptions.DEFAULT,
        FilterSettings.DEFAULTS,
        RunLimits.DEFAULT);
  }

  /** The core's request from the shared parameters and the goal's own. */
  ReflectRequest request(
      OfflineMode mode,
      int concurrency,
      int maxReplyAttempts,
      DatasetOptions dataset,
      FilterSettings filters,
      RunLimits limits)
      throws MojoFailureException {
    requireAtLeast("reflect.window", window, 0);
    PromptTemplate promptTemplate;
    try {
      promptTemplate = PromptTemplates.byId(template);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("reflect.template: " + e.getMessage(), e);
    }
    try {
      return new ReflectRequest(
          chats.toPath(),
          outputDirectory.toPath(),
          cacheDirectory.toPath(),
          promptTemplate,
          model,
          new SamplingParameters(temperature, maxCompletionTokens),
          mode,
          failOnInvalid,
          concurrency,
          maxReplyAttempts,
          plugin == null ? "unknown" : plugin.getVersion(),
          window,
          dataset,
          filters,
          limits);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Invalid reflect configuration: " + e.getMessage(), e);
    }
  }

  /** Fails naming the property, rather than leaving a bad number to fail deep in the core. */
  static void requireAtLeast(String property, int value, int least) throws MojoFailureException {
    if (value < least) {
      throw new MojoFailureException(property + " must be at least " + least + ", found " + value);
    }
  }
}
