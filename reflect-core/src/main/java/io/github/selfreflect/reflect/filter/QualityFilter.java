package io.github.selfreflect.reflect.filter;

import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides, target by target in corpus order, which reflections reach the training files. One
 * instance serves one pass over the corpus: the duplicate filter remembers the pairs it has let
 * through (as fingerprints, see {@link PairFingerprints}), so the first of two identical pairs is
 * kept and the second dropped, and the same corpus always drops the same targets.
 *
 * <p>The filters, in the order they are tried (the first that fires names the reason):
 *
 * <ol>
 *   <li>{@code length}: the new answer is blank, or its length ratio to the original lies outside
 *       the configured bounds (see {@link FilterSettings});
 *   <li>{@code identical}: the new answer equals the original once runs of whitespace are made one
 *       space and the ends trimmed;
 *   <li>{@code refusal}: the new answer refuses (see {@link Refusals}) and the original did not;
 *   <li>{@code duplicate}: the (prompt, answer) pair that would be written to {@code sft.jsonl}
 *       was written already.
 * </ol>
 *
 * The first three look at the new answer, so they apply to {@link Verdict#REVISE} only; a {@link
 * Verdict#KEEP} target trains on its original answer, which only the duplicate filter checks.
 *
 * <p>Not thread-safe: one pass, one thread, in corpus order.
 */
public final class QualityFilter {

  private final FilterSettings settings;
  private final PairFingerprints written = new PairFingerprints();
  private final EnumMap<FilterReason, Long> counts = new EnumMap<>(FilterReason.class);

  public QualityFilter(FilterSettings settings) {
    this.settings = settings;
    for (FilterReason reason : FilterReason.values()) {
      counts.put(reason, 0L);
    }
  }

  public FilterSettings settings() {
    return settings;
  }

  /** Whether the target's reflection is left out, and why; null when it is kept. */
  public Exclusion check(Target target, Reflection reflection) {
    Exclusion exclusion = decide(target, reflection);
    if (exclusion != null) {
      counts.merge(exclusion.reason(), 1L, Long::sum);
    }
    return exclusion;
  }

  /** How many targets each filter has left out so far, every reason listed (zeros included). */
  public Map<FilterReason, Long> counts() {
    return new EnumMap<>(counts);
  }

  private Exclusion decide(Target target, Reflection reflection) {
    String original = target.originalAnswer().content();
    boolean revise = reflection.verdict() == Verdict.REVISE;
    if (revise) {
      String answer = Whitespace.normalize(reflection.answer());
      String old = Whitespace.normalize(original);
      if (settings.isEnabled(FilterReason.LENGTH)) {
        if (answer.isEmpty()) {
          return new Exclusion(FilterReason.LENGTH, "the new answer is empty");
        }
        double ratio =
            (double) Math.max(answer.length(), FilterSettings.LENGTH_FLOOR)
                / Math.max(old.length(), FilterSettings.LENGTH_FLOOR);
        if (ratio < settings.minLengthRatio() || ratio > settings.maxLengthRatio()) {
          return new Exclusion(
              FilterReason.LENGTH,
              String.format(
                  Locale.ROOT,
                  "the new answer is %.2f times the original's length (%d vs %d characters),"
                      + " outside [%s, %s]",
                  ratio,
                  answer.length(),
                  old.length(),
                  bound(settings.minLengthRatio()),
                  bound(settings.maxLengthRatio())));
        }
      }
      if (settings.isEnabled(FilterReason.IDENTICAL) && answer.equals(old)) {
        return new Exclusion(
            FilterReason.IDENTICAL, "the new answer equals the original after normalising whitespace");
      }
      if (settings.isEnabled(FilterReason.REFUSAL)
          && Refusals.refuses(reflection.answer())
          && !Refusals.refuses(original)) {
        return new Exclusion(
            FilterReason.REFUSAL,
            "the new answer refuses (\"" + Refusals.phrase(reflection.answer()) + "\") where the original answered");
      }
    }
    if (settings.isEnabled(FilterReason.DUPLICATE)) {
      // The prompt: the history and K, the first index messages.
      if (!written.add(target.conversation(), target.index(), revise ? reflection.answer() : original)) {
        return new Exclusion(
            FilterReason.DUPLICATE, "the same prompt and answer were written earlier in the corpus");
      }
    }
    return null;
  }

  private static String bound(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
