package io.github.selfreflect.reflect.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code evaluation.json}, and the short form of it that goes into {@code manifest.json}. Ratios
 * are rounded to four decimals and lengths to one, so the file states what the sample supports
 * and no more, and keys are in a fixed order: same judgments, same bytes.
 *
 * <pre>{@code
 * {
 *   "formatVersion": 1,
 *   "headline": "revised answers preferred in 72.0% (95% CI 52.4% to 85.7%) of 25 pairs, judged by M",
 *   "judge": { "model", "template", "fingerprint" },
 *   "sample": { "requested", "seed", "eligible", "drawn" },
 *   "pairs", "wins", "ties", "losses", "unjudged",
 *   "winRate", "confidenceInterval": { "level": 0.95, "method": "wilson", "low", "high" },
 *   "meanLength": { "unit": "characters", "original", "revised" },
 *   "usage": { "prompt", "cached", "completion" },
 *   "judgments": [ { "source", "conversation", "turn", "outcome",
 *                    "originalFirst", "revisedFirst", "reasons": [..] }, ... ]
 * }
 * }</pre>
 */
public final class EvaluationJson {

  public static final String FILE_NAME = "evaluation.json";

  /** The layout of {@code evaluation.json}; bumped on any incompatible change. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EvaluationJson() {}

  /** The whole file's tree (also embedded in {@code report.html}). */
  public static ObjectNode full(EvaluationResult result) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("headline", result.headline());
    ObjectNode judge = root.putObject("judge");
    judge.put("model", result.judgeModel());
    judge.put("template", PairwiseJudge.ID);
    judge.put("fingerprint", PairwiseJudge.fingerprint());
    ObjectNode sample = root.putObject("sample");
    sample.put("requested", result.requested());
    sample.put("seed", result.seed());
    sample.put("eligible", result.eligible());
    sample.put("drawn", result.outcomes().size());
    counts(root, result);
    ObjectNode lengths = root.putObject("meanLength");
    lengths.put("unit", "characters");
    lengths.put("original", round(result.meanOriginalLength(), 1));
    lengths.put("revised", round(result.meanRevisedLength(), 1));
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt", result.usage().promptTokens());
    usage.put("cached", result.usage().cachedPromptTokens());
    usage.put("completion", result.usage().completionTokens());
    ArrayNode judgments = root.putArray("judgments");
    for (PairOutcome outcome : result.outcomes()) {
      ObjectNode j = judgments.addObject();
      j.put("source", outcome.pair().source());
      j.put("conversation", outcome.pair().conversation());
      j.put("turn", outcome.pair().turn());
      j.put("outcome", outcome.outcome());
      j.put("originalFirst", outcome.originalFirst());
      j.put("revisedFirst", outcome.revisedFirst());
      ArrayNode reasons = j.putArray("reasons");
      reasons.add(outcome.reasonOriginalFirst());
      reasons.add(outcome.reasonRevisedFirst());
    }
    return root;
  }

  /** The manifest's {@code evaluation} object: the headline and its figures, no per-pair detail. */
  public static ObjectNode forManifest(EvaluationResult result) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("headline", result.headline());
    root.put("judge", result.judgeModel());
    root.put("seed", result.seed());
    counts(root, result);
    root.put("file", FILE_NAME);
    return root;
  }

  private static void counts(ObjectNode root, EvaluationResult result) {
    root.put("pairs", result.pairs());
    root.put("wins", result.wins());
    root.put("ties", result.ties());
    root.put("losses", result.losses());
    root.put("unjudged", result.unjudged());
    if (result.pairs() == 0) {
      root.putNull("winRate");
      root.putNull("confidenceInterval");
      return;
    }
    root.put("winRate", round(result.winRate(), 4));
    ObjectNode ci = root.putObject("confidenceInterval");
    ci.put("level", 0.95);
    ci.put("method", "wilson");
    ci.put("low", round(result.interval().low(), 4));
    ci.put("high", round(result.interval().high(), 4));
  }

  private static double round(double value, int decimals) {
    return java.math.BigDecimal.valueOf(value)
        .setScale(decimals, java.math.RoundingMode.HALF_EVEN)
        .doubleValue();
  }
}
