package io.github.selfreflect.reflect.cache;

/**
 * A cache line that cannot be trusted. Checked and internal: the cache turns it into one warning
 * and skips the line, because a damaged record must never stop a build.
 */
final class InvalidCacheRecordException extends Exception {

  private static final long serialVersionUID = 1L;

  InvalidCacheRecordException(String problem) {
    super(problem, null, false, false);
  }
}
