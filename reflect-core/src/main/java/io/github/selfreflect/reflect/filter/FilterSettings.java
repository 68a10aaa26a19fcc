package io.github.selfreflect.reflect.filter;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Which quality filters run, and the bounds of the length filter.
 *
 * <p>The length ratio is {@code new length / original length}, in characters after whitespace is
 * normalised, with each length counted as at least {@value #LENGTH_FLOOR} characters: a one-word
 * original ("Sure.") would otherwise make any real answer look absurdly long.
 *
 * @param enabled the filters that run
 * @param minLengthRatio a new answer shorter than this fraction of the original is filtered
 * @param maxLengthRatio a new answer longer than this multiple of the original is filtered
 */
public record FilterSettings(Set<FilterReason> enabled, double minLengthRatio, double maxLengthRatio) {

  /** Lengths below this many characters count as this many in the ratio. */
  public static final int LENGTH_FLOOR = 20;

  /** Every filter on; a new answer may be a tenth to ten times the original's length. */
  public static final FilterSettings DEFAULTS =
      new FilterSettings(EnumSet.allOf(FilterReason.class), 0.1, 10.0);

  /** No filter runs: every reflection reaches the training files. */
  public static final FilterSettings NONE = new FilterSettings(Set.of(), 0.1, 10.0);

  public FilterSettings {
    enabled =
        Collections.unmodifiableSet(
            enabled.isEmpty() ? EnumSet.noneOf(FilterReason.class) : EnumSet.copyOf(enabled));
    if (!(minLengthRatio >= 0) || !(maxLengthRatio > minLengthRatio) || Double.isInfinite(maxLengthRatio)) {
      throw new IllegalArgumentException(
          "length ratio bounds must satisfy 0 <= min < max, found min "
              + minLengthRatio
              + ", max "
              + maxLengthRatio);
    }
  }

  /**
   * Parses a comma-separated list such as {@code identical,length,refusal,duplicate}; {@code none}
   * or an empty string turns every filter off.
   */
  public static Set<FilterReason> parseList(String list) {
    EnumSet<FilterReason> set = EnumSet.noneOf(FilterReason.class);
    if (list == null || list.isBlank() || list.trim().equalsIgnoreCase("none")) {
      return set;
    }
    for (String name : list.split(",")) {
      if (!name.isBlank()) {
        set.add(FilterReason.byName(name));
      }
    }
    return set;
  }

  public boolean isEnabled(FilterReason reason) {
    return enabled.contains(reason);
  }

  /** The enabled filters as configured: {@code identical,length,...} in declaration order. */
  public String enabledList() {
    StringJoiner joiner = new StringJoiner(",");
    for (FilterReason reason : enabled) {
      joiner.add(reason.wireName());
    }
    return joiner.toString();
  }
}
