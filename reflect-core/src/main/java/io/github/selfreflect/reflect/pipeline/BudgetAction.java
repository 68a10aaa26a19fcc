package io.github.selfreflect.reflect.pipeline;

import java.util.Locale;

/** What a run does when {@code maxRequests} or {@code maxTokens} is reached. */
public enum BudgetAction {
  /** Keep every reply received (they are cached), write nothing, and fail naming what remains. */
  FAIL,
  /** Keep every reply received and write the dataset of what is there, with a warning. */
  PARTIAL;

  /** Reads {@code reflect.onBudget}: {@code fail} or {@code partial}. */
  public static BudgetAction parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "":
      case "fail":
        return FAIL;
      case "partial":
        return PARTIAL;
      default:
        throw new IllegalArgumentException("expected fail or partial, found '" + value + "'");
    }
  }
}
