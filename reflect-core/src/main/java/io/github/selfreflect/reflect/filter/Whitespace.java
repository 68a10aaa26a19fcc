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

  /** The characters of {@code \s} other than the space. */
  private static final char[] OTHER_SPACES = {'\t', '\n', '\u000B', '\f', '\r'};

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
   * Where collapsing would first change {@code text[start, end)}: the start of the first run of
   * whitespace that is not a lone space; -1 if there is none. The range starts and ends with a
   * character that is not whitespace, so every space in it has a neighbour on both sides.
   *
   * <p>Six {@code indexOf} scans rather than one loop: they are intrinsics that test many
   * characters at once, where a loop asking "whitespace? a second one?" of each character
   * mispredicts a branch at nearly every word and costs several times as much.
   */
  private static int firstChange(String text, int start, int end) {
    int first = end;
    for (char c : OTHER_SPACES) {
      first = before(text.indexOf(c, start), first);
    }
    first = before(text.indexOf("  ", start), first);
    if (first == end) {
      return -1;
    }
    while (first > start && isSpace(text.charAt(first - 1))) {
      first--; // a space in front of the tab or line feed found: the run starts there
    }
    return first;
  }

  private static int before(int found, int first) {
    return found >= 0 && found < first ? found : first;
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
