package io.github.selfreflect.reflect.chat.format;

import io.github.selfreflect.reflect.util.LongHashSet;

/**
 * The ids already given out in one file, kept as 64-bit fingerprints in a {@link LongHashSet} (8
 * to 16 bytes per id) rather than as strings (a hundred bytes or more each), so that a file of
 * millions of small records does not fill the heap with ids.
 *
 * <p>Two different ids with the same fingerprint (odds about one in 10<sup>7</sup> for a file of
 * ten million records) make the second look taken, so it gets a needless suffix. Ids stay unique,
 * since an id that is given out is never already in the set, and stay stable, since the same file
 * gives the same fingerprints in the same order.
 */
final class TakenIds {

  private final LongHashSet fingerprints = new LongHashSet();

  /** Adds {@code id}; false if it (or an id with its fingerprint) was there already. */
  boolean add(String id) {
    return fingerprints.add(fingerprint(id));
  }

  /** FNV-1a over the UTF-16 chars, then the SplitMix64 finalizer so that the low bits mix well. */
  static long fingerprint(String id) {
    long hash = 0xCBF29CE484222325L;
    for (int i = 0; i < id.length(); i++) {
      hash = (hash ^ id.charAt(i)) * 0x100000001B3L;
    }
    hash = (hash ^ (hash >>> 30)) * 0xBF58476D1CE4E5B9L;
    hash = (hash ^ (hash >>> 27)) * 0x94D049BB133111EBL;
    hash ^= hash >>> 31;
    // 0 is folded onto 1, as when the table reserved 0 for a free slot: the set no longer needs
    // it, but the fingerprints, and with them the suffixes ids get, stay exactly what they were.
    return hash == 0 ? 1 : hash;
  }
}
