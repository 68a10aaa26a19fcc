package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.providers.Providers;
import io.github.selfreflect.reflect.pipeline.CorpusRequest;
import io.github.selfreflect.reflect.pipeline.StructuredOutput;
import io.github.selfreflect.reflect.prompt.InvalidTemplateException;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import java.io.File;
import java.io.IOException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The parameters every {@code reflect} goal that reads the chats reads the same way: where the
 * chats are, and everything that enters a cache key (model, template, prompt budget, reply format,
 * sampling, window, provider). Shared so that {@code reflect:status} and {@code reflect:compact}
 * compute exactly the keys {@code reflect:generate} does; they send nothing, so they have no
 * endpoint parameters. How requests are sent comes from {@link AbstractLlmMojo}.
 */
abstract class AbstractCorpusMojo extends AbstractReflectMojo {

  /**
   * The folder of chat logs: {@code .json} and {@code .jsonl} files in ShareGPT or OpenAI chat
   * format, found recursively; the format is recognised from the content.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.chats", defaultValue = "${project.basedir}/src/main/chats")
  protected File chats;

  /**
   * The model that writes the reflections, as the endpoint names it. It is part of every cache
   * key: changing it re-reflects everything.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.model")
  protected String model;

  /**
   * The prompt template. {@code hindsight} (the default): fixed instructions, the whole
   * conversation as JSON turns, the targets named last, several targets per request, a JSON
   * Schema for the reply and a keep/revise verdict; on conversations of 6 or more exchanges it
   * spends under a fifth of the seed's prompt tokens per target (see the README's Benchmarks).
   * {@code seed} reproduces the SelfReflectionGPT prompt exactly, one request per target.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.template", defaultValue = "hindsight")
  protected String template;

  /**
   * A prompt template of the data repository's own, in place of {@code template}: a Mustache file
   * whose {@code ### system} and {@code ### user} lines start the request's messages, rendering
   * the conversation ({@code lines}), the turns to review ({@code targets}, {@code targetList})
   * and the reply schema ({@code schema}); replies are read as the {@code hindsight} template's.
   * The file's content is part of every cache key. A malformed file fails the build with its
   * line and the reason before any request is sent.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.templateFile")
  protected File templateFile;

  /**
   * A budget for each prompt, in estimated tokens (about four characters of English a token).
   * When a conversation is longer, the {@code hindsight} template keeps the system prompt, the
   * target, the turns right before it and every later turn, and leaves out the middle of the
   * earlier history, marked as such; a target that cannot fit even so (one message over the
   * budget) is skipped, counted and reported. {@code 0}: no budget. The {@code seed} template
   * reproduces the original request and never shortens it. Shapes the prompt, so part of the
   * cache key.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.maxPromptTokens", defaultValue = "0")
  protected int maxPromptTokens;

  /**
   * How the reply's JSON Schema is sent to the endpoint: {@code json_schema} ({@code
   * response_format} with the schema), {@code json_object} (JSON mode), {@code prompt} (no
   * {@code response_format}; the prompt describes the reply), or {@code auto}: {@code
   * json_schema}, stepping down to {@code json_object} and then {@code prompt} when the endpoint
   * rejects a mode, remembered for the rest of the run. The {@code seed} template has no schema
   * and is always sent as the original sent it. Part of the cache key ({@code auto} as {@code
   * json_schema}).
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.structuredOutput", defaultValue = "auto")
  protected String structuredOutput;

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
   * The most targets of one conversation asked about in one request. {@code 0}: all of them, up
   * to the template's cap ({@code hindsight}: 8). The reply holds one result per target, each
   * checked and cached on its own; a missing or unusable one is asked about alone. Not part of
   * the cache key (each target is cached under the key of its own request), so changing it
   * re-reflects nothing. The {@code seed} always sends one target per request. {@code reflect:status}
   * groups the missing targets the same way to estimate what they cost.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.targetsPerRequest", defaultValue = "0")
  protected int targetsPerRequest;

  /**
   * The provider's API the requests go to: {@code openai} (the default: any OpenAI-compatible
   * chat-completions endpoint) or {@code anthropic} (the Messages API). Part of every cache key
   * (a Claude reply is not a GPT reply); OpenAI's keys are the keys caches held before providers.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.provider", defaultValue = "openai")
  protected String provider;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  protected PluginDescriptor plugin;

  /**
   * What every goal that reads the chats needs: where they and the cache are, and everything that
   * enters a cache key, checked with messages that name the property at fault.
   */
  final CorpusRequest corpus() throws MojoFailureException {
    if (model == null || model.isBlank()) {
      throw new MojoFailureException(
          "reflect:" + goal() + " needs the model that writes the reflections: set reflect.model");
    }
    requireAtLeast("reflect.window", window, 0);
    requireAtLeast("reflect.maxPromptTokens", maxPromptTokens, 0);
    requireAtLeast("reflect.targetsPerRequest", targetsPerRequest, 0);
    PromptTemplate promptTemplate = promptTemplate().withMaxPromptTokens(maxPromptTokens);
    StructuredOutput structured = parse("reflect.structuredOutput", () -> StructuredOutput.parse(structuredOutput));
    try {
      return new CorpusRequest(
          chats.toPath(),
          cacheDirectory.toPath(),
          provider(),
          promptTemplate,
          model,
          new SamplingParameters(temperature, maxCompletionTokens),
          window,
          structured,
          failOnInvalid);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Invalid reflect configuration: " + e.getMessage(), e);
    }
  }

  /** {@code templateFile} when set (a bad file fails with its line), else {@code template}. */
  private PromptTemplate promptTemplate() throws MojoFailureException {
    if (templateFile == null) {
      try {
        return PromptTemplates.byId(template);
      } catch (IllegalArgumentException e) {
        throw new MojoFailureException("reflect.template: " + e.getMessage(), e);
      }
    }
    PromptTemplate fromFile;
    try {
      fromFile = HindsightTemplate.fromFile(templateFile.toPath());
    } catch (InvalidTemplateException e) {
      throw new MojoFailureException("reflect.templateFile: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoFailureException(
          "reflect.templateFile: cannot read " + templateFile + ": " + e, e);
    }
    getLog().info("Prompt template: " + templateFile + " (" + fromFile.id() + ")");
    return fromFile;
  }

  /** {@code reflect.provider}. */
  final Provider provider() throws MojoFailureException {
    return parse("reflect.provider", () -> Providers.byId(provider));
  }

}
