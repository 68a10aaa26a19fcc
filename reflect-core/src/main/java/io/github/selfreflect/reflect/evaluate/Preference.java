package io.github.selfreflect.reflect.evaluate;

import java.util.Locale;

/** Which of the two answers shown as A and B a judge found better. */
public enum Preference {
  A,
  B,
  TIE;

  /** {@code A}, {@code B} or {@code tie}, as the judge writes it and the cache keeps it. */
  public String wireName() {
    return this == TIE ? "tie" : name();
  }

  /** Reads a judge's {@code better} value: A, B or tie, any case; null if it is none of them. */
  static Preference parse(String value) {
    if (value == null) {
      return null;
    }
    switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "A":
        return A;
      case "B":
        return B;
      case "TIE":
        return TIE;
      default:
        return null;
    }
  }
}
