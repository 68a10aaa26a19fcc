package io.github.selfreflect.reflect.cache;

import java.io.IOException;

/**
 * The cache directory holds only a format this version of Reflect cannot read (written by a newer
 * Reflect). Reflect refuses to touch it rather than start an empty cache beside it: the records in
 * there were paid for, and a silent fresh cache would pay for them again.
 */
public final class UnsupportedCacheFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  public UnsupportedCacheFormatException(String message) {
    super(message);
  }
}
