package io.github.selfreflect.reflect.evaluate;

/**
 * How one sampled pair fared: what the judge preferred in each order, and the outcome for the
 * revised answer. {@code win} and {@code loss} need both orders to agree; any disagreement, or a
 * tie in either order, is a {@code tie}. A pair lacking a judgment in either order is {@code
 * unjudged} and left out of the counts.
 *
 * @param pair the pair
 * @param originalFirst the preferred answer ({@code revised}, {@code original}, {@code tie}) when
 *     the original was shown as A, or null if unjudged
 * @param revisedFirst the same when the revised answer was shown as A, or null
 * @param reasonOriginalFirst the judge's reason in the first order, or null
 * @param reasonRevisedFirst the judge's reason in the second order, or null
 */
public record PairOutcome(
    SampledPair pair,
    String originalFirst,
    String revisedFirst,
    String reasonOriginalFirst,
    String reasonRevisedFirst) {

  /** {@code win}, {@code loss}, {@code tie} or {@code unjudged}. */
  public String outcome() {
    if (originalFirst == null || revisedFirst == null) {
      return "unjudged";
    }
    if (originalFirst.equals(revisedFirst) && !originalFirst.equals("tie")) {
      return originalFirst.equals("revised") ? "win" : "loss";
    }
    return "tie";
  }
}
