package io.github.selfreflect.reflect.llm;

/**
 * Unpaired UTF-16 surrogates, replaced the way {@link String#getBytes} with UTF-8 replaces them:
 * each becomes {@code ?}. A string that holds one cannot be written as UTF-8 as it is; request
 * bodies (and so cache keys) have always had the {@code ?}, and Jackson's UTF-8 writer would
 * write a {@code \}{@code u} escape instead, so {@link ChatRequestJson#writeUtf8} hands it text
 * that has been through here.
 */
final class LoneSurrogates {

  private LoneSurrogates() {}

  /** {@code text} with every unpaired surrogate made {@code ?}; the same instance if it has none. */
  static String replaced(String text) {
    int first = firstLone(text);
    if (first < 0) {
      return text;
    }
    char[] chars = text.toCharArray();
    for (int i = first; i < chars.length; i++) {
      char c = chars[i];
      if (Character.isHighSurrogate(c) && i + 1 < chars.length && Character.isLowSurrogate(chars[i + 1])) {
        i++; // a pair: both halves stay
      } else if (Character.isSurrogate(c)) {
        chars[i] = '?';
      }
    }
    return new String(chars);
  }

  /**
   * The index of the first unpaired surrogate, or -1. The loop is cheap where it matters: for
   * text of Latin-1 characters only (most chat text) no character can be a surrogate.
   */
  private static int firstLone(String text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }
}
