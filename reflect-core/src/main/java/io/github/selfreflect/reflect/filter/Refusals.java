package io.github.selfreflect.reflect.filter;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A plain heuristic for "this answer declines to help", used by the refusal filter.
 *
 * <p>An answer counts as a refusal when its opening (the first {@value #OPENING} characters, lower
 * case, curly apostrophes made straight) contains one of {@link #REFUSALS}, such as "I can't help
 * with" or "I must decline", <em>and</em> that opening offers nothing in its place: none of {@link
 * #REDIRECTS} ("however", "but I can", "instead", "here's", ...). The second rule matters: a good
 * revision often starts by correcting a false premise ("I'm sorry, I am not able to physically flip
 * a coin. However, I can simulate...") and then helps, and that is exactly the kind of answer the
 * method should produce.
 *
 * <p>It only looks at the opening because a refusal says so up front, while a helpful answer may
 * well quote "I can't" further down. It will miss refusals worded in other ways and languages; it
 * is a tripwire for the common failure of a reflecting model turning cautious, not a classifier.
 */
final class Refusals {

  /** How much of the answer's start is read. */
  static final int OPENING = 300;

  /** Phrases that open a refusal. */
  static final List<String> REFUSALS =
      List.of(
          "i can't help with",
          "i cannot help with",
          "i can't assist with",
          "i cannot assist with",
          "i can't help you with",
          "i cannot help you with",
          "i'm not able to help",
          "i am not able to help",
          "i'm unable to help",
          "i am unable to help",
          "i'm unable to assist",
          "i am unable to assist",
          "i can't provide",
          "i cannot provide",
          "i won't be able to help",
          "i can't comply",
          "i cannot comply",
          "i must decline",
          "i have to decline",
          "i'm sorry, but i can't",
          "i'm sorry, but i cannot",
          "i am sorry, but i cannot",
          "sorry, i can't do that",
          "i can't do that",
          "i cannot do that",
          "as an ai language model, i cannot",
          "as an ai language model, i can't",
          "as an ai, i cannot",
          "as an ai, i can't");

  /**
   * Phrases that show the answer goes on to help after all. "I can" must not be followed by
   * "'t" or "not": "but I can't" is the refusal itself.
   */
  static final Pattern REDIRECTS =
      Pattern.compile(
          "however|but i can(?!'t|not)|but here|instead|here's|here is|that said|what i can do"
              + "|i can(?!'t|not) help");

  private Refusals() {}

  static boolean refuses(String answer) {
    String opening =
        answer.substring(0, Math.min(answer.length(), OPENING))
            .toLowerCase(Locale.ROOT)
            .replace('\u2019', '\'');
    return REFUSALS.stream().anyMatch(opening::contains)
        && !REDIRECTS.matcher(opening).find();
  }

  /** The refusal phrase the answer opens with, for the filter's detail; null if none. */
  static String phrase(String answer) {
    String opening =
        answer.substring(0, Math.min(answer.length(), OPENING))
            .toLowerCase(Locale.ROOT)
            .replace('\u2019', '\'');
    return REFUSALS.stream().filter(opening::contains).findFirst().orElse(null);
  }
}
