package io.github.selfreflect.reflect.dataset;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the dataset card says that the manifest does not know: the dataset's name and summary (a
 * Maven build takes them from the POM) and the licence and languages of the data, which only its
 * owner can state.
 *
 * @param title the card's heading and {@code pretty_name}, e.g. the project's name
 * @param description a paragraph under the heading; may be null
 * @param license a Hugging Face licence identifier: {@code apache-2.0}, {@code cc-by-4.0}, {@code
 *     mit}, {@code other}, {@code unknown}, ...
 * @param languages ISO 639-1 (or -3) codes of the conversations' languages, e.g. {@code en}
 */
public record DatasetCard(String title, String description, String license, List<String> languages) {

  // Before DEFAULT: static fields initialise in order, and DEFAULT's constructor uses them.
  private static final Pattern LICENSE = Pattern.compile("[a-z0-9][a-z0-9.+-]*");
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

  /** Licence when none is given: the data's owner has not said, so the card does not guess. */
  public static final String DEFAULT_LICENSE = "unknown";

  /** Language when none is given. */
  public static final String DEFAULT_LANGUAGE = "en";

  /** A card for a build that was told nothing about its data. */
  public static final DatasetCard DEFAULT =
      new DatasetCard("Reflect dataset", null, DEFAULT_LICENSE, List.of(DEFAULT_LANGUAGE));

  /**
   * @throws IllegalArgumentException when the licence or a language is not an identifier the
   *     Hub accepts, saying what was expected
   */
  public DatasetCard {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(license, "license");
    if (title.isBlank()) {
      throw new IllegalArgumentException("the dataset title must not be blank");
    }
    if (!LICENSE.matcher(license).matches()) {
      throw new IllegalArgumentException(
          "expected a lower-case licence identifier such as apache-2.0, cc-by-4.0, mit, other or"
              + " unknown, found '"
              + license
              + "'");
    }
    languages = List.copyOf(languages);
    if (languages.isEmpty()) {
      throw new IllegalArgumentException("expected at least one language code such as en");
    }
    for (String language : languages) {
      if (!LANGUAGE.matcher(language).matches()) {
        throw new IllegalArgumentException(
            "expected ISO 639 language codes such as en, de or fr, found '" + language + "'");
      }
    }
    if (description != null && description.isBlank()) {
      description = null;
    }
  }

  /**
   * Parses a comma-separated language list such as {@code en, de}.
   *
   * @throws IllegalArgumentException as the constructor does
   */
  public static List<String> parseLanguages(String list) {
    List<String> languages =
        list == null
            ? List.of()
            : java.util.Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    if (languages.isEmpty()) {
      throw new IllegalArgumentException(
          "expected at least one language code such as en, found '" + list + "'");
    }
    return languages;
  }
}
