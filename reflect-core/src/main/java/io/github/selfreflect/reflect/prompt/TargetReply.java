package io.github.selfreflect.reflect.prompt;

import java.util.Objects;

/**
 * The part of a reply that concerns one target of a request: either its checked {@link
 * Reflection} or the reason it is unusable. A reply to a request for several targets yields one
 * of these per target, so that a good result is kept even when its neighbour must be asked again.
 *
 * @param targetIndex the index of the target assistant message in the conversation
 * @param reflection the checked result, or null when {@code problem} says why there is none
 * @param problem why the reply holds no usable result for this target, or null
 */
public record TargetReply(int targetIndex, Reflection reflection, String problem) {

  public TargetReply {
    if ((reflection == null) == (problem == null)) {
      throw new IllegalArgumentException("exactly one of reflection and problem must be given");
    }
  }

  public static TargetReply ok(int targetIndex, Reflection reflection) {
    return new TargetReply(targetIndex, Objects.requireNonNull(reflection, "reflection"), null);
  }

  public static TargetReply invalid(int targetIndex, String problem) {
    return new TargetReply(targetIndex, null, Objects.requireNonNull(problem, "problem"));
  }

  public boolean isValid() {
    return reflection != null;
  }
}
