package io.github.selfreflect.reflect.prompt;

import java.util.Objects;

/**
 * What a model said about one target turn, once parsed and checked.
 *
 * @param critique the critique of the original answer in the light of the later turns
 * @param answer the new answer to the same user message (for {@link Verdict#KEEP}, may be empty)
 * @param verdict whether the original should be replaced
 */
public record Reflection(String critique, String answer, Verdict verdict) {

  public Reflection {
    Objects.requireNonNull(critique, "critique");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(verdict, "verdict");
  }
}
