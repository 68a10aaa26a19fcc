package io.github.selfreflect.reflect.prompt;

import java.util.List;
import java.util.Objects;

/**
 * What a model said about one target turn, once parsed and checked.
 *
 * @param critique the critique of the original answer in the light of the later turns
 * @param answer the new answer to the same user message (for {@link Verdict#KEEP}, may be empty)
 * @param verdict whether the original should be replaced
 * @param evidence the indices of the later messages that motivated the critique, as the model
 *     named them; empty when the template does not ask for them (the seed does not)
 */
public record Reflection(String critique, String answer, Verdict verdict, List<Integer> evidence) {

  public Reflection {
    Objects.requireNonNull(critique, "critique");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(verdict, "verdict");
    evidence = List.copyOf(evidence);
  }

  /** A reflection without evidence turns. */
  public Reflection(String critique, String answer, Verdict verdict) {
    this(critique, answer, verdict, List.of());
  }
}
