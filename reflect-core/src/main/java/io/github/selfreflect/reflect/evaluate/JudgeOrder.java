package io.github.selfreflect.reflect.evaluate;

/**
 * Which answer a judge sees first. Every pair is judged in both orders, because judges favour a
 * position; a pair counts as a win or a loss only when both orders agree.
 */
public enum JudgeOrder {
  /** A is the original (logged) answer, B the revised one. */
  ORIGINAL_FIRST("original-first"),
  /** A is the revised answer, B the original one. */
  REVISED_FIRST("revised-first");

  private final String wireName;

  JudgeOrder(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Which answer a preference in this order points at: {@code revised}, {@code original} or {@code tie}. */
  public String preferred(Preference preference) {
    if (preference == Preference.TIE) {
      return "tie";
    }
    boolean first = preference == Preference.A;
    return first == (this == REVISED_FIRST) ? "revised" : "original";
  }

  static JudgeOrder byWireName(String name) {
    for (JudgeOrder order : values()) {
      if (order.wireName.equals(name)) {
        return order;
      }
    }
    return null;
  }
}
