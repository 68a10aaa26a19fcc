package io.github.selfreflect.reflect.filter;

import java.util.Objects;

/**
 * A filter's decision to leave a target out of the training files.
 *
 * @param reason which filter fired
 * @param detail what it saw, for a person reading {@code reflections.jsonl} or the report
 */
public record Exclusion(FilterReason reason, String detail) {

  public Exclusion {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
