package io.github.selfreflect.reflect.dataset;

import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.Pricing;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.Usage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a dataset is and how it was made, written as {@code manifest.json} by {@link
 * ManifestWriter}. It says enough to reproduce and to verify the files (template, model, sampling,
 * a digest per file and per source chat file) and nothing that changes from run to run or must stay private: no
 * timestamps, no host names, no paths, no API keys and no cache keys.
 *
 * @param generatorVersion the Reflect version that wrote the dataset
 * @param template the prompt template used
 * @param model the model the reflections were requested from
 * @param sampling the sampling options sent
 * @param counts what happened to the targets
 * @param filters the quality filters that ran, and how many targets each left out
 * @param files the files of the dataset; kept sorted by name
 * @param sources the chat files the dataset was made from; kept sorted by name
 * @param usage the tokens the dataset's reflections cost when they were made, from the cache (so
 *     the same whichever run paid, and whatever retries it took)
 * @param pricing the user's prices per million tokens, turning {@code usage} into a cost; or null
 */
public record Manifest(
    String generatorVersion,
    Template template,
    String model,
    SamplingParameters sampling,
    Counts counts,
    Filters filters,
    List<OutputFile> files,
    List<SourceFile> sources,
    Usage usage,
    Pricing pricing) {

  /** The layout of {@code manifest.json}; bumped on any incompatible change. */
  public static final int FORMAT_VERSION = 1;

  /** The generator's name in the manifest. */
  public static final String GENERATOR_NAME = "reflect";

  /**
   * What shaped the prompts: besides the template, the two settings that change what a target's
   * prompt shows without changing the template's fingerprint.
   *
   * @param id the template's id, e.g. {@code seed}
   * @param fingerprint the template's fingerprint (see {@code PromptTemplate.fingerprint()})
   * @param window the hindsight window in exchanges ({@code reflect.window}); 0 for all
   * @param maxPromptTokens the prompt budget ({@code reflect.maxPromptTokens}); 0 for none
   */
  public record Template(String id, String fingerprint, int window, int maxPromptTokens) {
    public Template {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(fingerprint, "fingerprint");
      if (window < 0 || maxPromptTokens < 0) {
        throw new IllegalArgumentException(
            "window and maxPromptTokens must be 0 (none) or positive, found " + window + " and "
                + maxPromptTokens);
      }
    }

    /** A template shown the whole conversation, without a prompt budget. */
    public Template(String id, String fingerprint) {
      this(id, fingerprint, 0, 0);
    }
  }

  /**
   * Counts of one build, set by the pipeline.
   *
   * @param conversations conversations read
   * @param targets assistant turns found to reflect on
   * @param cached targets answered from the cache
   * @param reflected targets the model was asked about in this build
   * @param failed targets without a reflection (see {@code failures.jsonl})
   * @param skipped targets left out on purpose (filters, limits)
   * @param invalidRecords chat records that could not be read and were skipped
   */
  public record Counts(
      long conversations,
      long targets,
      long cached,
      long reflected,
      long failed,
      long skipped,
      long invalidRecords) {}

  /**
   * The quality filters of a build (see {@code io.github.selfreflect.reflect.filter}).
   *
   * @param settings which filters ran, and the length filter's bounds
   * @param excluded targets left out of the training files, by reason; every reason listed
   */
  public record Filters(FilterSettings settings, Map<FilterReason, Long> excluded) {

    /** No filter ran, nothing was left out. */
    public static final Filters NONE = new Filters(FilterSettings.NONE, Map.of());

    public Filters {
      Objects.requireNonNull(settings, "settings");
      EnumMap<FilterReason, Long> all = new EnumMap<>(FilterReason.class);
      for (FilterReason reason : FilterReason.values()) {
        all.put(reason, excluded.getOrDefault(reason, 0L));
      }
      excluded = Collections.unmodifiableMap(all);
    }

    /** Targets left out for any reason. */
    public long total() {
      return excluded.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** A manifest without usage figures. */
  public Manifest(
      String generatorVersion,
      Template template,
      String model,
      SamplingParameters sampling,
      Counts counts,
      Filters filters,
      List<OutputFile> files,
      List<SourceFile> sources) {
    this(generatorVersion, template, model, sampling, counts, filters, files, sources, Usage.NONE,
        null);
  }

  /** A manifest of a build that ran no quality filter. */
  public Manifest(
      String generatorVersion,
      Template template,
      String model,
      SamplingParameters sampling,
      Counts counts,
      List<OutputFile> files,
      List<SourceFile> sources,
      Usage usage,
      Pricing pricing) {
    this(generatorVersion, template, model, sampling, counts, Filters.NONE, files, sources, usage,
        pricing);
  }

  /** A manifest of a build that ran no quality filter and records no source files. */
  public Manifest(
      String generatorVersion,
      Template template,
      String model,
      SamplingParameters sampling,
      Counts counts,
      List<OutputFile> files) {
    this(generatorVersion, template, model, sampling, counts, Filters.NONE, files, List.of());
  }

  /** A manifest of a build that ran no quality filter, without usage figures. */
  public Manifest(
      String generatorVersion,
      Template template,
      String model,
      SamplingParameters sampling,
      Counts counts,
      List<OutputFile> files,
      List<SourceFile> sources) {
    this(generatorVersion, template, model, sampling, counts, Filters.NONE, files, sources);
  }

  /** A manifest that records no source files (for callers that do not read chat files). */
  public Manifest(
      String generatorVersion,
      Template template,
      String model,
      SamplingParameters sampling,
      Counts counts,
      Filters filters,
      List<OutputFile> files) {
    this(generatorVersion, template, model, sampling, counts, filters, files, List.of());
  }

  public Manifest {
    Objects.requireNonNull(generatorVersion, "generatorVersion");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(filters, "filters");
    Objects.requireNonNull(usage, "usage");
    List<OutputFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(OutputFile::name));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
        throw new IllegalArgumentException("file listed twice: " + sorted.get(i).name());
      }
    }
    files = List.copyOf(sorted);
    List<SourceFile> sortedSources = new ArrayList<>(sources);
    sortedSources.sort(Comparator.comparing(SourceFile::name));
    for (int i = 1; i < sortedSources.size(); i++) {
      if (sortedSources.get(i).name().equals(sortedSources.get(i - 1).name())) {
        throw new IllegalArgumentException(
            "source listed twice: " + sortedSources.get(i).name());
      }
    }
    sources = List.copyOf(sortedSources);
  }

  /** The listed file called {@code name}, if the dataset has it. */
  public Optional<OutputFile> file(String name) {
    return files.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
