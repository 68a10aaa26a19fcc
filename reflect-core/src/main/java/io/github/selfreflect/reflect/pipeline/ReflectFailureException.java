package io.github.selfreflect.reflect.pipeline;

/**
 * A run ended without a complete dataset for a reason the user can act on: reflections missing in
 * offline mode, targets whose replies stayed unusable, an endpoint refusing the credentials.
 * Everything paid for before it was thrown is in the cache.
 */
public final class ReflectFailureException extends Exception {

  private final RunSummary summary;

  public ReflectFailureException(String message, RunSummary summary) {
    super(message);
    this.summary = summary;
  }

  public ReflectFailureException(String message, RunSummary summary, Throwable cause) {
    super(message, cause);
    this.summary = summary;
  }

  /** The counts as far as the run got; null when it failed before counting. */
  public RunSummary summary() {
    return summary;
  }
}
