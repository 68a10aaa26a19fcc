package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.dataset.SftSelection;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.SamplingParameters;
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
    PromptOptions prompts) {

  /**
   * A request with this hindsight window, these dataset options, filters and limits, and {@link
   * PromptOptions#DEFAULT}.
   */
  public ReflectRequest(
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
      RunLimits limits) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, window, dataset, filters,
        limits, PromptOptions.DEFAULT);
  }

  /** A request with every part but the hindsight window, which shows the whole conversation. */
  public ReflectRequest(
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
      DatasetOptions dataset,
      FilterSettings filters,
      RunLimits limits) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, HindsightWindow.ALL,
        dataset, filters, limits);
  }

  /** A request with this hindsight window, dataset options and limits, and every quality filter at
   * its default. */
  public ReflectRequest(
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
      RunLimits limits) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, window, dataset,
        FilterSettings.DEFAULTS, limits);
  }

  /** A request with these dataset options and filters, the whole conversation as hindsight and
   * {@link RunLimits#DEFAULT}. */
  public ReflectRequest(
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
      DatasetOptions dataset,
      FilterSettings filters) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, HindsightWindow.ALL,
        dataset, filters, RunLimits.DEFAULT);
  }

  /** A request with these dataset options and limits, the whole conversation as hindsight and
   * every quality filter at its default. */
  public ReflectRequest(
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
      DatasetOptions dataset,
      RunLimits limits) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, HindsightWindow.ALL,
        dataset, FilterSettings.DEFAULTS, limits);
  }

  /** A request with these dataset options, default filters, the whole conversation as hindsight
   * and {@link RunLimits#DEFAULT}. */
  public ReflectRequest(
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
      DatasetOptions dataset) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, HindsightWindow.ALL,
        dataset, FilterSettings.DEFAULTS, RunLimits.DEFAULT);
  }

  /** A request with these filters, {@link DatasetOptions#DEFAULT}, the whole conversation as
   * hindsight and {@link RunLimits#DEFAULT}. */
  public ReflectRequest(
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
      FilterSettings filters) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, HindsightWindow.ALL,
        DatasetOptions.DEFAULT, filters, RunLimits.DEFAULT);
  }

  /** A request with these limits, {@link DatasetOptions#DEFAULT}, default filters and the whole
   * conversation as hindsight. */
  public ReflectRequest(
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
      RunLimits limits) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, HindsightWindow.ALL,
        DatasetOptions.DEFAULT, FilterSettings.DEFAULTS, limits);
  }

  /** A request with this hindsight window, {@link DatasetOptions#DEFAULT}, default filters and
   * {@link RunLimits#DEFAULT}. */
  public ReflectRequest(
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
      int window) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, window,
        DatasetOptions.DEFAULT, FilterSettings.DEFAULTS, RunLimits.DEFAULT);
  }

  /** A request that writes every format with a default card and no cache snapshot, every quality
   * filter on at its default bounds, the whole conversation as hindsight and {@link
   * RunLimits#DEFAULT}. */
  public ReflectRequest(
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
      String generatorVersion) {
    this(chatsDirectory, outputDirectory, cacheDirectory, template, model, sampling, offline,
        failOnInvalid, concurrency, maxReplyAttempts, generatorVersion, HindsightWindow.ALL,
        DatasetOptions.DEFAULT, FilterSettings.DEFAULTS, RunLimits.DEFAULT);
  }

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
    return withPrompts(new PromptOptions(mode, prompts.targetsPerRequest()));
  }

  /** This request with another cap on targets per request (0: as many as the template takes). */
  public ReflectRequest withTargetsPerRequest(int targets) {
    return withPrompts(new PromptOptions(prompts.structuredOutput(), targets));
  }

  /** This request with another SFT selection. */
  public ReflectRequest withSft(SftSelection selection) {
    return new ReflectRequest(chatsDirectory, outputDirectory, cacheDirectory, template, model,
        sampling, offline, failOnInvalid, concurrency, maxReplyAttempts, generatorVersion,
        window, dataset.withSft(selection), filters, limits, prompts);
  }

  /** This request with other prompt options. */
  public ReflectRequest withPrompts(PromptOptions options) {
    return new ReflectRequest(chatsDirectory, outputDirectory, cacheDirectory, template, model,
        sampling, offline, failOnInvalid, concurrency, maxReplyAttempts, generatorVersion,
        window, dataset, filters, limits, options);
  }
}
