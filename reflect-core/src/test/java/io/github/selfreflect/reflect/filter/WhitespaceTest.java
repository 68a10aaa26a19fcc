package io.github.selfreflect.reflect.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WhitespaceTest {

  /** The normalisation the filters used before {@link Whitespace}; its results must not move. */
  private static final Pattern REGEX_WHITESPACE = Pattern.compile("\\s+");

  private static String byRegex(String text) {
    return REGEX_WHITESPACE.matcher(text).replaceAll(" ").trim();
  }

  /**
   * Characters where the two definitions could part: every kind of {@code \s}, control characters
   * that {@code trim} removes but {@code \s} does not match, Unicode spaces that neither touches,
   * and a surrogate pair.
   */
  private static final String ALPHABET =
      " \t\n\u000B\f\r\u0000\u0001\u001C\u001F!aZ\u0085\u00A0\u1680\u2028\u2029\u3000\uFEFF\u00E9"
          + "\uD83D\uDE00";

  @Test
  void collapsesRunsAndTrimsEnds() {
    assertEquals("a b c", Whitespace.normalize("  a \t\n b\r\n\u000B\fc \n"));
    assertEquals("", Whitespace.normalize(" \t\n\r "));
    assertEquals("", Whitespace.normalize(""));
  }

  @Test
  void trimsControlCharactersButCollapsesOnlyRegexWhitespace() {
    // trim() removes \u0001 at the ends; \s does not match it, so inside it stays as it is
    assertEquals("a \u0001 b", Whitespace.normalize("\u0001 a  \u0001\tb \u0001"));
    // Unicode spaces are neither \s nor trimmed
    assertEquals("\u00A0a\u3000\u2028b\u0085", Whitespace.normalize(" \u00A0a\u3000\u2028b\u0085 "));
  }

  @Test
  void returnsNormalTextUncopied() {
    String text = "Already normal: one space between words.";
    assertSame(text, Whitespace.normalize(text));
  }

  @Test
  void agreesWithTheRegexOnTrickyInputs() {
    String[] inputs = {
      " ", "  ", "\u0000", "a", " a", "a ", "a  b", "a \u0001 b", "\u0001", "\u0001 \u0001",
      " \u0001a\u0001 ", "a\u000B\u000Bb", "a\u001C b", "\u2028 a \u2028", "\uD83D\uDE00  \uD83D\uDE00",
      "\r\n\r\n", "a\r", "\ta", "a \u00A0 b", "x\u0000\u0000y"
    };
    for (String input : inputs) {
      assertEquals(byRegex(input), Whitespace.normalize(input), () -> "input " + escape(input));
    }
  }

  @Test
  void agreesWithTheRegexOnRandomText() {
    Random random = new Random(20261124);
    for (int n = 0; n < 200_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String input = text.toString();
      assertEquals(byRegex(input), Whitespace.normalize(input), () -> "input " + escape(input));
    }
  }

  @Test
  void agreesWithTheRegexOnEveryCharacterBetweenLetters() {
    for (int code = 0; code <= Character.MAX_VALUE; code++) {
      char c = (char) code;
      for (String input : new String[] {"a" + c + "b", c + "a" + c, "a" + c + c + "b", " " + c + " "}) {
        assertEquals(byRegex(input), Whitespace.normalize(input), () -> "input " + escape(input));
      }
    }
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      out.append(c >= 0x21 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return out.append('"').toString();
  }
}
