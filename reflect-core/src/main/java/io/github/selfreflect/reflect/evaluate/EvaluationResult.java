package io.github.selfreflect.reflect.evaluate;

import io.github.selfreflect.reflect.llm.Usage;
import java.util.List;
import java.util.Locale;

/**
 * What an evaluation found.
 *
 * @param judgeModel the judge model
 * @param seed the sample's seed
 * @param requested the sample size asked for
 * @param eligible the preference pairs in the dataset
 * @param outcomes every sampled pair, in dataset order
 * @param usage the tokens the judgments cost, as recorded in the cache (zero for hand-made ones)
 */
public record EvaluationResult(
    String judgeModel, long seed, int requested, long eligible, List<PairOutcome> outcomes, Usage usage) {

  public EvaluationResult {
    outcomes = List.copyOf(outcomes);
  }

  public long wins() {
    return count("win");
  }

  public long ties() {
    return count("tie");
  }

  public long losses() {
    return count("loss");
  }

  /** Sampled pairs without both judgments (failed, or missing in a partial offline run). */
  public long unjudged() {
    return count("unjudged");
  }

  /** Pairs judged in both orders: the N of the win rate. */
  public long pairs() {
    return wins() + ties() + losses();
  }

  /** Wins over judged pairs (ties count against); NaN when nothing was judged. */
  public double winRate() {
    return pairs() == 0 ? Double.NaN : (double) wins() / pairs();
  }

  public WilsonInterval interval() {
    return WilsonInterval.of95(wins(), pairs());
  }

  /** Mean length in characters of the sampled pairs' original answers. */
  public double meanOriginalLength() {
    return outcomes.stream().mapToInt(o -> o.pair().original().length()).average().orElse(0);
  }

  /** Mean length in characters of the sampled pairs' revised answers. */
  public double meanRevisedLength() {
    return outcomes.stream().mapToInt(o -> o.pair().revised().length()).average().orElse(0);
  }

  /**
   * One sentence for the manifest and the dataset card: {@code revised answers preferred in 72.0%
   * (95% CI 52.4% to 85.7%) of 25 pairs, judged by gpt-4o}.
   */
  public String headline() {
    if (pairs() == 0) {
      return "no pairs judged (judge " + judgeModel + ")";
    }
    WilsonInterval ci = interval();
    return String.format(
        Locale.ROOT,
        "revised answers preferred in %s (95%% CI %s to %s) of %d pairs, judged by %s",
        percent(winRate()),
        percent(ci.low()),
        percent(ci.high()),
        pairs(),
        judgeModel);
  }

  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }

  private long count(String outcome) {
    return outcomes.stream().filter(o -> o.outcome().equals(outcome)).count();
  }
}
