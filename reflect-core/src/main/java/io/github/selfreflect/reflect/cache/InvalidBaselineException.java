package io.github.selfreflect.reflect.cache;

import java.io.IOException;

/**
 * A baseline cache archive that Reflect refuses to unpack: an entry that would land outside the
 * cache directory, an entry larger than allowed, or an entry that is not part of a cache. The
 * message names the archive and the entry. Nothing has been written to the cache when it is
 * thrown.
 */
public final class InvalidBaselineException extends IOException {

  private static final long serialVersionUID = 1L;

  public InvalidBaselineException(String message) {
    super(message);
  }
}
