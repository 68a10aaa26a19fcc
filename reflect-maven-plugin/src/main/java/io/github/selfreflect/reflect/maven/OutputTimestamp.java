package io.github.selfreflect.reflect.maven;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads {@code project.build.outputTimestamp} the way Maven's own archivers do: an ISO-8601
 * date-time with an offset ({@code 2026-11-24T00:00:00Z}) or whole seconds since the epoch; unset,
 * or a single character (Maven's convention for "not reproducible"), means none.
 */
final class OutputTimestamp {

  private OutputTimestamp() {}

  /**
   * @throws IllegalArgumentException naming the property and the expected forms
   */
  static Optional<Instant> parse(String value) {
    if (value == null || value.strip().length() < 2) {
      return Optional.empty();
    }
    String text = value.strip();
    try {
      if (text.chars().allMatch(Character::isDigit)) {
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(text)));
      }
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "project.build.outputTimestamp: expected an ISO-8601 date-time with offset such as"
              + " 2026-11-24T00:00:00Z, or seconds since 1970, found '"
              + value
              + "'",
          e);
    }
  }
}
