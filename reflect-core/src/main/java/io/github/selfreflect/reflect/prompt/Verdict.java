package io.github.selfreflect.reflect.prompt;

import java.util.Locale;

/** Whether the reflecting model found the original answer worth replacing. */
public enum Verdict {
  /** The original answer should be replaced by the new one. */
  REVISE,
  /** The original answer was already right (no preference pair is written). */
  KEEP;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
