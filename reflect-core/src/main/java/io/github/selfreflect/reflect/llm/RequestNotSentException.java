package io.github.selfreflect.reflect.llm;

/**
 * A {@link RequestGate} refused to let a request out: the run's budget is spent or the run was
 * cancelled. Nothing was sent and nothing was paid for, so the target is not a failure: it is left
 * for a later run.
 */
public final class RequestNotSentException extends LlmException {

  public RequestNotSentException(String message) {
    super(message, LlmFailure.notSent(), null);
  }
}
