package io.github.selfreflect.reflect.cache;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * Where paid-for reflections live. {@link #put} makes an entry durable before it returns (written
 * and flushed), because the entry is money: a build killed right after must not lose it.
 * Implementations are safe for concurrent use by the threads of one process.
 */
public interface ReflectionCache extends Closeable {

  Optional<CacheEntry> get(String key) throws IOException;

  /** Whether the key is present; cheaper than {@link #get} where an index answers it. */
  default boolean contains(String key) throws IOException {
    return get(key).isPresent();
  }

  /** Stores an entry durably. Storing a key that is already present changes nothing. */
  void put(CacheEntry entry) throws IOException;

  /** How many distinct keys the cache holds. */
  int size();

  @Override
  void close() throws IOException;
}
