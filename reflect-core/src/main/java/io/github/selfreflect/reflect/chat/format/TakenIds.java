package io.github.selfreflect.reflect.chat.format;

/**
 * The ids already given out in one file, kept as 64-bit fingerprints in an open-addressing table (8
 * to 16 bytes per id) rather than as strings (a hundred bytes or more each), so that a file of
 * millions of small records does not fill the heap with ids.
 *
 * <p>Two different ids with the same fingerprint (odds about one in 10<sup>7</sup> for a file of
 * ten million records) make the second look taken, so it gets a needless suffix. Ids stay unique,
 * since an id that is given out is never already in the table, and stay stable, since the same file
 * gives the same fingerprints in the same order.
 */
final class TakenIds {

  private static final int INITIAL_SLOTS = 1 << 10;

  /** 0 marks a free slot; a fingerprint that happens to be 0 is stored as 1. */
  private long[] slots = new long[INITIAL_SLOTS];

  private int size;

  /** Adds {@code id}; false if it (or an id with its fingerprint) was there already. */
  boolean add(String id) {
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    if (!insert(slots, fingerprint(id))) {
      return false;
    }
    size++;
    return true;
  }

  private static boolean insert(long[] table, long fingerprint) {
    int mask = table.length - 1;
    for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
      if (table[i] == 0) {
        table[i] = fingerprint;
        return true;
      }
      if (table[i] == fingerprint) {
        return false;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long fingerprint : slots) {
      if (fingerprint != 0) {
        insert(bigger, fingerprint);
      }
    }
    slots = bigger;
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
    return hash == 0 ? 1 : hash;
  }
}
