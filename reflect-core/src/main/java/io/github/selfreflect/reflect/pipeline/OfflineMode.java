package io.github.selfreflect.reflect.pipeline;

import java.util.Locale;

/** How a run treats targets whose reflection is not in the cache. */
public enum OfflineMode {
  /** Missing reflections are requested from the model. */
  OFF,
  /** Cache only: any missing reflection fails the run, listing what is missing. */
  STRICT,
  /** Cache only: write what is cached, and say what was left out. */
  PARTIAL;

  /**
   * Reads {@code reflect.offline}: {@code false}/empty = OFF, {@code true} = STRICT, {@code
   * partial} = PARTIAL.
   */
  public static OfflineMode parse(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
      return OFF;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "strict":
        return STRICT;
      case "partial":
        return PARTIAL;
      default:
        throw new IllegalArgumentException(
            "expected true, false or partial for the offline mode, found '" + value + "'");
    }
  }

  public boolean sendsRequests() {
    return this == OFF;
  }
}
