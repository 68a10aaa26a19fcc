package io.github.selfreflect.reflect.pipeline;

import java.util.Locale;

/**
 * How many failed targets a run tolerates before it fails ({@code reflect.maxFailures}): a count
 * such as {@code 3}, or a share of the corpus's targets such as {@code 5%}.
 *
 * @param count the most failures tolerated, when not a percentage
 * @param percent the most failures tolerated as a share of all targets, or -1 for a count
 */
public record FailureThreshold(long count, double percent) {

  /** No failure tolerated: the default. */
  public static final FailureThreshold NONE = new FailureThreshold(0, -1);

  /** @throws IllegalArgumentException naming what was expected */
  public static FailureThreshold parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("%")) {
        double percent = Double.parseDouble(t.substring(0, t.length() - 1).trim());
        if (percent >= 0 && percent <= 100) {
          return new FailureThreshold(0, percent);
        }
      } else {
        long count = Long.parseLong(t);
        if (count >= 0) {
          return new FailureThreshold(count, -1);
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "expected a count (e.g. 10) or a percentage of the targets (e.g. 5%), found '" + text + "'");
  }

  /** Whether {@code failed} of {@code targets} is more than tolerated. */
  public boolean exceededBy(long failed, long targets) {
    if (percent < 0) {
      return failed > count;
    }
    return failed * 100.0 > percent * targets;
  }

  @Override
  public String toString() {
    if (percent < 0) {
      return Long.toString(count);
    }
    return (percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent))
        + "%";
  }
}
