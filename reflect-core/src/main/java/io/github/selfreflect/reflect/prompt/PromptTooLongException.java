package io.github.selfreflect.reflect.prompt;

/**
 * A target whose prompt cannot be brought under {@code reflect.maxPromptTokens}: a message that
 * must be shown (the target, its question, the context right before it, a later turn) is over the
 * budget on its own, or all of them together are. The target is skipped, counted and reported
 * with this message; nothing is sent for it.
 *
 * <p>Unchecked because it is a property of the data, decided while rendering, and callers that
 * set no budget never see it.
 */
public final class PromptTooLongException extends RuntimeException {

  private final int targetIndex;

  public PromptTooLongException(int targetIndex, String message) {
    super(message);
    this.targetIndex = targetIndex;
  }

  /** The target that cannot be rendered within the budget. */
  public int targetIndex() {
    return targetIndex;
  }
}
