package io.github.selfreflect.reflect.evaluate;

import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.providers.Providers;
import io.github.selfreflect.reflect.pipeline.RunLimits;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one evaluation needs, as plain values.
 *
 * @param datasetDirectory where {@code reflect:generate} wrote the dataset; {@code
 *     evaluation.json} goes there too, and {@code manifest.json} and {@code report.html} are
 *     updated
 * @param cacheDirectory the cache root; judgments are kept in {@code v1/judgments.jsonl}
 * @param judgeModel the judge model's name
 * @param sampling sampling options of the judge requests (part of their cache keys)
 * @param sampleSize how many pairs to judge at most
 * @param seed the seed of the sample
 * @param offline whether missing judgments may be requested
 * @param concurrency requests in flight
 * @param maxReplyAttempts how often one judgment is asked again when the reply is unusable
 * @param limits rate caps, budgets ({@code reflect.maxRequests}, {@code reflect.maxTokens},
 *     {@code reflect.onBudget}) and prices, as for {@code generate}
 * @param provider the judge's provider: part of every judgment's cache key
 */
public record EvaluateRequest(
    Path datasetDirectory,
    Path cacheDirectory,
    String judgeModel,
    SamplingParameters sampling,
    int sampleSize,
    long seed,
    OfflineMode offline,
    int concurrency,
    int maxReplyAttempts,
    RunLimits limits,
    Provider provider) {

  /** A request with no budget, no caps and no prices, to an OpenAI-compatible judge. */
  public EvaluateRequest(
      Path datasetDirectory,
      Path cacheDirectory,
      String judgeModel,
      SamplingParameters sampling,
      int sampleSize,
      long seed,
      OfflineMode offline,
      int concurrency,
      int maxReplyAttempts) {
    this(datasetDirectory, cacheDirectory, judgeModel, sampling, sampleSize, seed, offline,
        concurrency, maxReplyAttempts, RunLimits.DEFAULT, Providers.DEFAULT);
  }

  /** This request with other limits. */
  public EvaluateRequest withLimits(RunLimits other) {
    return new EvaluateRequest(datasetDirectory, cacheDirectory, judgeModel, sampling, sampleSize,
        seed, offline, concurrency, maxReplyAttempts, other, provider);
  }

  public EvaluateRequest {
    Objects.requireNonNull(datasetDirectory, "datasetDirectory");
    Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    Objects.requireNonNull(judgeModel, "judgeModel");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(offline, "offline");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(provider, "provider");
    if (judgeModel.isBlank()) {
      throw new IllegalArgumentException("the judge model must not be blank");
    }
    if (sampleSize < 1) {
      throw new IllegalArgumentException("the sample size must be at least 1, found " + sampleSize);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, found " + concurrency);
    }
    if (maxReplyAttempts < 1) {
      throw new IllegalArgumentException("maxReplyAttempts must be at least 1, found " + maxReplyAttempts);
    }
  }
}
