package io.github.selfreflect.reflect.filter;

import java.util.Locale;

/**
 * Why a reflected target was left out of {@code sft.jsonl} and {@code preference.jsonl}. Each
 * reason is also the name of the filter that gives it, as listed in {@code reflect.filters}.
 */
public enum FilterReason {
  /** The new answer is the original one, give or take whitespace: nothing was learned. */
  IDENTICAL,
  /** The new answer is empty, or absurdly shorter or longer than the original. */
  LENGTH,
  /** The new answer refuses where the original answered. */
  REFUSAL,
  /** The same (prompt, answer) pair was already written earlier in the corpus. */
  DUPLICATE;

  /** The name in configuration, manifests and {@code reflections.jsonl}: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The reason named {@code name} (case-insensitive), with an error listing the valid names. */
  public static FilterReason byName(String name) {
    for (FilterReason reason : values()) {
      if (reason.wireName().equalsIgnoreCase(name.trim())) {
        return reason;
      }
    }
    throw new IllegalArgumentException(
        "unknown filter '" + name.trim() + "'; expected any of identical, length, refusal, duplicate (or none)");
  }
}
