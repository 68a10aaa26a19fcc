package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.dataset.SftSelection;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.providers.Providers;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one reflection run needs to know, as plain values: a front end (the Maven plugin,
 * later perhaps Gradle or a CLI) builds one from its configuration and hands it to {@link
 * ReflectPipeline}.
 *
 * @param chatsDirectory where the chat files are
 * @param outputDirectory where the dataset files go
 * @param cacheDirectory where paid-for reflections are kept
 * @param template the prompt template
 * @param model the model name sent to the endpoint
 * @param sampling sampling options
 * @param offline whether missing reflections may be requested
 * @param failOnInvalid whether a bad chat record fails the run (else it is skipped and counted)
 * @param concurrency requests in flight at once
 * @param maxReplyAttempts how often one target is asked again when its reply is unusable
 * @param generatorVersion the version of the tool, recorded in the manifest
 * @param window how many exchanges after a target the model is shown ({@link HindsightWindow};
 *     {@link HindsightWindow#ALL} for all)
 * @param dataset which files the write pass produces, and what the dataset card says
 * @param filters the quality filters applied when the training files are written
 * @param limits rate caps, budgets, failure tolerance and prices
 * @param prompts how the template's questions are sent: reply format, targets per request
 * @param provider the provider the requests go to: part of every cache key
 */
public record ReflectRequest(
    Path chatsDirectory,
    Path outputDirectory,
    Path cacheDirectory,
    PromptTemplate template,
    String model,
    SamplingParameters sampling,
    OfflineMode offline,
    boolean failOnInvalid,
    int concurrency,
    int maxReplyAttempts,
    String generatorVersion,
    int window,
    DatasetOptions dataset,
    FilterSettings filters,
    RunLimits limits,
    PromptOptions prompts,
    Provider provider) {

  public ReflectRequest {
    Objects.requireNonNull(chatsDirectory, "chatsDirectory");
    Objects.requireNonNull(outputDirectory, "outputDirectory");
    Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(offline, "offline");
    Objects.requireNonNull(generatorVersion, "generatorVersion");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(filters, "filters");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(prompts, "prompts");
    Objects.requireNonNull(provider, "provider");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, found " + concurrency);
    }
    if (window < 0) {
      throw new IllegalArgumentException(
          "window must be 0 (all exchanges) or a number of exchanges, found " + window);
    }
    if (maxReplyAttempts < 1) {
      throw new IllegalArgumentException(
          "maxReplyAttempts must be at least 1, found " + maxReplyAttempts);
    }
  }

  /** The part of this request that reads the corpus and computes its cache keys. */
  public CorpusRequest corpus() {
    return new CorpusRequest(
        chatsDirectory, cacheDirectory, provider, template, model, sampling, window,
        prompts.structuredOutput(), failOnInvalid);
  }

  /** How the template's reply schema is sent. */
  public StructuredOutput structuredOutput() {
    return prompts.structuredOutput();
  }

  /** Which targets go into {@code sft.jsonl}. */
  public SftSelection sft() {
    return dataset.sft();
  }

  /** The most targets per request; 0 for as many as the template takes. */
  public int targetsPerRequest() {
    return prompts.targetsPerRequest();
  }

  /** This request with another structured-output mode. */
  public ReflectRequest withStructuredOutput(StructuredOutput mode) {
    return toBuilder().structuredOutput(mode).build();
  }

  /** This request with another cap on targets per request (0: as many as the template takes). */
  public ReflectRequest withTargetsPerRequest(int targets) {
    return toBuilder().targetsPerRequest(targets).build();
  }

  /** This request with another SFT selection. */
  public ReflectRequest withSft(SftSelection selection) {
    return toBuilder().sft(selection).build();
  }

  /** This request with other prompt options. */
  public ReflectRequest withPrompts(PromptOptions options) {
    return toBuilder().prompts(options).build();
  }

  /**
   * A request for these chats, output, cache, template and model, with every other part at its
   * default: the endpoint's sampling, online, failing on an invalid record, 8 requests in flight,
   * 3 attempts per reply, the whole conversation as hindsight, every format with a default card
   * and no cache snapshot, every quality filter at its default bounds, {@link RunLimits#DEFAULT}
   * and {@link PromptOptions#DEFAULT}.
   */
  public static Builder builder(
      Path chatsDirectory,
      Path outputDirectory,
      Path cacheDirectory,
      PromptTemplate template,
      String model) {
    return new Builder(chatsDirectory, outputDirectory, cacheDirectory, template, model);
  }

  /** A builder holding every part of this request, to change some. */
  public Builder toBuilder() {
    return new Builder(chatsDirectory, outputDirectory, cacheDirectory, template, model)
        .sampling(sampling)
        .offline(offline)
        .failOnInvalid(failOnInvalid)
        .concurrency(concurrency)
        .maxReplyAttempts(maxReplyAttempts)
        .generatorVersion(generatorVersion)
        .window(window)
        .dataset(dataset)
        .filters(filters)
        .limits(limits)
        .prompts(prompts)
        .provider(provider);
  }

  /** Builds a {@link ReflectRequest}; {@link #build} checks the parts as the constructor does. */
  public static final class Builder {
    private final Path chatsDirectory;
    private final Path outputDirectory;
    private final Path cacheDirectory;
    private final PromptTemplate template;
    private final String model;
    private SamplingParameters sampling = SamplingParameters.DEFAULTS;
    private OfflineMode offline = OfflineMode.OFF;
    private boolean failOnInvalid = true;
    private int concurrency = 8;
    private int maxReplyAttempts = 3;
    private String generatorVersion = "unknown";
    private int window = HindsightWindow.ALL;
    private DatasetOptions dataset = DatasetOptions.DEFAULT;
    private FilterSettings filters = FilterSettings.DEFAULTS;
    private RunLimits limits = RunLimits.DEFAULT;
    private PromptOptions prompts = PromptOptions.DEFAULT;
    private Provider provider = Providers.DEFAULT;

    private Builder(
        Path chatsDirectory,
        Path outputDirectory,
        Path cacheDirectory,
        PromptTemplate template,
        String model) {
      this.chatsDirectory = chatsDirectory;
      this.outputDirectory = outputDirectory;
      this.cacheDirectory = cacheDirectory;
      this.template = template;
      this.model = model;
    }

    public Builder sampling(SamplingParameters sampling) {
      this.sampling = sampling;
      return this;
    }

    public Builder offline(OfflineMode offline) {
      this.offline = offline;
      return this;
    }

    public Builder failOnInvalid(boolean failOnInvalid) {
      this.failOnInvalid = failOnInvalid;
      return this;
    }

    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    public Builder maxReplyAttempts(int maxReplyAttempts) {
      this.maxReplyAttempts = maxReplyAttempts;
      return this;
    }

    public Builder generatorVersion(String generatorVersion) {
      this.generatorVersion = generatorVersion;
      return this;
    }

    public Builder window(int window) {
      this.window = window;
      return this;
    }

    public Builder dataset(DatasetOptions dataset) {
      this.dataset = dataset;
      return this;
    }

    public Builder sft(SftSelection sft) {
      this.dataset = dataset.withSft(sft);
      return this;
    }

    public Builder filters(FilterSettings filters) {
      this.filters = filters;
      return this;
    }

    public Builder limits(RunLimits limits) {
      this.limits = limits;
      return this;
    }

    public Builder prompts(PromptOptions prompts) {
      this.prompts = prompts;
      return this;
    }

    public Builder provider(Provider provider) {
      this.provider = provider;
      return this;
    }

    public Builder structuredOutput(StructuredOutput mode) {
      this.prompts = new PromptOptions(mode, prompts.targetsPerRequest());
      return this;
    }

    public Builder targetsPerRequest(int targets) {
      this.prompts = new PromptOptions(prompts.structuredOutput(), targets);
      return this;
    }

    public ReflectRequest build() {
      return new ReflectRequest(
          chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
          failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, window, dataset, filters,
          limits, prompts, provider);
    }
  }
}
