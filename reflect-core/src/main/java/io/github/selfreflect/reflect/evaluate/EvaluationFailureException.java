package io.github.selfreflect.reflect.evaluate;

/**
 * An evaluation that could not judge every sampled pair: judgments missing offline, or replies
 * that stayed unusable. Every judgment that did arrive is cached.
 */
public final class EvaluationFailureException extends Exception {

  public EvaluationFailureException(String message) {
    super(message);
  }

  public EvaluationFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
