package io.github.selfreflect.reflect.dataset;

import java.util.Locale;

/**
 * Which targets go into {@code sft.jsonl} ({@code reflect.sft}). A {@code keep} verdict never
 * makes a preference pair (there is nothing to prefer); whether its original answer is SFT data
 * is a choice: it is a good answer, but training on it again teaches nothing new.
 */
public enum SftSelection {
  /** Revised answers, and the originals the model chose to keep. */
  ALL,
  /** Revised answers only. */
  REVISED;

  /** Reads {@code all} or {@code revised}. */
  public static SftSelection parse(String value) {
    if (value == null || value.isBlank()) {
      return ALL;
    }
    for (SftSelection selection : values()) {
      if (selection.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return selection;
      }
    }
    throw new IllegalArgumentException("expected revised or all, found '" + value + "'");
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
