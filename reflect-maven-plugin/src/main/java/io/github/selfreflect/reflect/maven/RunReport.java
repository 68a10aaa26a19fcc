package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.evaluate.EvaluationRun;
import io.github.selfreflect.reflect.llm.Pricing;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The final summary of a run: one compact block that answers, at a glance, what was done, what it
 * took (requests, retries, 429s, time) and what it cost (tokens, and money when prices are given).
 */
final class RunReport {

  private RunReport() {}

  static List<String> lines(RunSummary s, Pricing pricing, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "Reflect: %d conversations, %d targets: %d cached, %d reflected, %d failed, %d"
                + " skipped%s; %d requests sent in %s%s",
            s.conversations(),
            s.targets(),
            s.cached(),
            s.reflected(),
            s.failed(),
            s.skipped(),
            s.tooLong() > 0 ? " (" + s.tooLong() + " too long for maxPromptTokens)" : "",
            s.requests(),
            MavenReflectListener.duration(seconds),
            s.requests() > 0 && seconds > 0
                ? String.format(Locale.ROOT, " (%.1f/s)", s.requests() / seconds)
                : ""));
    if (s.requests() > 0) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  this run: %d retries (%d rate-limited), %s%s",
              s.retries(),
              s.rateLimited(),
              tokens(s.usage()),
              cost(pricing, s.usage())));
    }
    if (s.datasetUsage().promptTokens() + s.datasetUsage().completionTokens() > 0) {
      lines.add("  dataset:  " + tokens(s.datasetUsage()) + cost(pricing, s.datasetUsage()));
    }
    if (s.invalidRecords() > 0) {
      lines.add("  " + s.invalidRecords() + " invalid chat records skipped");
    }
    return lines;
  }

  /** The summary of a {@code reflect:evaluate} run, in the shape of {@code generate}'s. */
  static List<String> evaluationLines(EvaluationRun r, Pricing pricing, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "Evaluate: %d judgments: %d cached, %d judged, %d failed; %d requests sent in %s%s",
            r.judgments(),
            r.cached(),
            r.judged(),
            r.failed(),
            r.requests(),
            MavenReflectListener.duration(seconds),
            r.requests() > 0 && seconds > 0
                ? String.format(Locale.ROOT, " (%.1f/s)", r.requests() / seconds)
                : ""));
    if (r.requests() > 0) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  this run: %d retries (%d rate-limited), %s%s",
              r.retries(),
              r.rateLimited(),
              tokens(r.usage()),
              cost(pricing, r.usage())));
    }
    return lines;
  }

  static String tokens(Usage usage) {
    return String.format(
        Locale.ROOT,
        "%,d prompt tokens (%,d cached) + %,d completion tokens",
        usage.promptTokens(),
        usage.cachedPromptTokens(),
        usage.completionTokens());
  }

  private static String cost(Pricing pricing, Usage usage) {
    return pricing == null ? "" : ", cost " + pricing.cost(usage).toPlainString();
  }
}
