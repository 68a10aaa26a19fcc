package io.github.selfreflect.reflect.filter;

/**
 * Whitespace normalisation for the length and identical filters: every run of whitespace made one
 * space, then the ends trimmed.
 *
 * <p>It gives exactly what {@code Pattern.compile("\\s+").matcher(text).replaceAll(" ").trim()}
 * gave (the filters' decisions, and so the dataset's bytes, must not move), without a regex: the
 * filter normalises two answers per target, and on a warm build over a large corpus the regex
 * was the largest single cost of writing the dataset. Hence the two definitions below, which are
 * those of {@code \s} (without {@code UNICODE_CHARACTER_CLASS}) and of {@link String#trim}, not
 * {@link Character#isWhitespace}.
 */
final class Whitespace {

  private Whitespace() {}

  /**
   * Runs of whitespace made one space, ends trimmed. Trimming first and collapsing after gives the
   * same result as the other way round: whatever {@code trim} removes is at most {@code ' '}, a
   * collapsed run is {@code ' '}, and a run never crosses the first or last character above {@code
   * ' '}. Text that needs no change (the usual case) is returned without copying.
   */
  static String normalize(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && trimmed(text.charAt(start))) {
      start++;
    }
    while (end > start && trimmed(text.charAt(end - 1))) {
      end--;
    }
    int first = firstChange(text, start, end);
    if (first < 0) {
      return text.substring(start, end);
    }
    StringBuilder out = new StringBuilder(end - start);
    out.append(text, start, first);
    boolean inRun = false;
    for (int i = first; i < end; i++) {
      char c = text.charAt(i);
      if (isSpace(c)) {
        if (!inRun) {
          out.append(' ');
          inRun = true;
        }
      } else {
        out.append(c);
        inRun = false;
      }
    }
    return out.toString();
  }

  /**
   * Where collapsing would first change {@code text[start, end)}: a whitespace character other
   * than a lone space; -1 if nowhere. The range starts and ends with a character that is not
   * whitespace, so a space there always has a neighbour on both sides.
   */
  private static int firstChange(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c <= ' ' && isSpace(c) && (c != ' ' || isSpace(text.charAt(i + 1)))) {
        return i;
      }
    }
    return -1;
  }

  /** Regex {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
  static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  /** What {@link String#trim} removes: every character up to and including the space. */
  private static boolean trimmed(char c) {
    return c <= ' ';
  }
}
