package io.github.selfreflect.reflect.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where each record lives in the cache file: an open-addressing table from a 64-bit hash of the
 * key to the record's (offset, length), in three primitive arrays.
 *
 * <p>Why not a {@code HashMap<String, Location>}: a key is 64 characters, and a map entry holding
 * one costs some 170 bytes; a million-entry cache would take about as many megabytes of heap
 * before the build does any work. Here a slot is 20 bytes and the table is at most 75% full, so a
 * million entries take about 40 MB, and keys stay on disk. The price is that a hash may match
 * several records (two keys whose 64-bit hashes collide, or a key stored twice): {@link #find}
 * returns every candidate and the caller compares the key read from disk.
 *
 * <p>Not thread-safe: the cache guards it.
 */
final class KeyIndex {

  /** A record's place in the file: {@code length} bytes from {@code offset}, without newline. */
  record Location(long offset, int length) {}

  private long[] hashes;
  private long[] offsets;
  /** 0 marks an empty slot: a record line is never empty. */
  private int[] lengths;

  private int size;

  KeyIndex() {
    allocate(1024);
  }

  /** How many records are indexed. */
  int size() {
    return size;
  }

  /** A 64-bit hash of a key (FNV-1a over its chars, then a final avalanche mix). */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  void add(long hash, long offset, int length) {
    if (length <= 0) {
      throw new IllegalArgumentException("a record line is never empty");
    }
    if ((size + 1) * 4L > lengths.length * 3L) {
      grow();
    }
    insert(hash, offset, length);
    size++;
  }

  /**
   * Every record whose key has this hash, in file order (almost always none or one; probing and
   * growing may shuffle equal hashes, so they are sorted here).
   */
  List<Location> find(long hash) {
    List<Location> found = List.of();
    int mask = lengths.length - 1;
    for (int slot = (int) hash & mask; lengths[slot] != 0; slot = (slot + 1) & mask) {
      if (hashes[slot] == hash) {
        if (found.isEmpty()) {
          found = new ArrayList<>(1);
        }
        found.add(new Location(offsets[slot], lengths[slot]));
      }
    }
    if (found.size() > 1) {
      found.sort(Comparator.comparingLong(Location::offset));
    }
    return found;
  }

  /** Receives one indexed record. */
  @FunctionalInterface
  interface LocationVisitor {
    void visit(long offset, int length);
  }

  /** Visits every indexed record, in no particular order. */
  void forEach(LocationVisitor visitor) {
    for (int slot = 0; slot < lengths.length; slot++) {
      if (lengths[slot] != 0) {
        visitor.visit(offsets[slot], lengths[slot]);
      }
    }
  }

  private void insert(long hash, long offset, int length) {
    int mask = lengths.length - 1;
    int slot = (int) hash & mask;
    while (lengths[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    hashes[slot] = hash;
    offsets[slot] = offset;
    lengths[slot] = length;
  }

  private void grow() {
    long[] oldHashes = hashes;
    long[] oldOffsets = offsets;
    int[] oldLengths = lengths;
    allocate(oldLengths.length * 2);
    for (int slot = 0; slot < oldLengths.length; slot++) {
      if (oldLengths[slot] != 0) {
        insert(oldHashes[slot], oldOffsets[slot], oldLengths[slot]);
      }
    }
  }

  private void allocate(int capacity) {
    hashes = new long[capacity];
    offsets = new long[capacity];
    lengths = new int[capacity];
  }
}
