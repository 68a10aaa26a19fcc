package io.github.selfreflect.reflect.util;

/**
 * A set of {@code long} values in one open-addressing table, 8 to 16 bytes a value: what the
 * fingerprint sets of the readers and filters keep, so that remembering millions of 64-bit
 * fingerprints costs a flat array rather than a boxed {@code Long} and a map entry each (some 50
 * bytes more per value in a {@code HashSet<Long>}).
 *
 * <p>Linear probing in a table at most half full, which keeps probes short without a tombstone
 * scheme: values are only ever added. A free slot holds 0, so the value 0 itself is kept beside the
 * table; every {@code long} can be an element.
 *
 * <p>Not thread-safe.
 */
public final class LongHashSet {

  private static final int INITIAL_SLOTS = 1 << 10;

  /** The largest table a Java array of {@code long}s can hold at a power of two. */
  private static final int MAX_SLOTS = 1 << 30;

  /** 0 marks a free slot; the element 0 is {@link #containsZero}. */
  private long[] slots = new long[INITIAL_SLOTS];

  /** Values in {@link #slots}, not counting 0. */
  private int inTable;

  private boolean containsZero;

  /** Adds {@code value}; true if it is new, false if the set held it already. */
  public boolean add(long value) {
    if (value == 0) {
      boolean added = !containsZero;
      containsZero = true;
      return added;
    }
    if (2L * (inTable + 1) > slots.length) {
      grow();
    }
    if (!insert(slots, value)) {
      return false;
    }
    inTable++;
    return true;
  }

  /** How many distinct values were added. */
  public int size() {
    return inTable + (containsZero ? 1 : 0);
  }

  /** Puts a non-zero value in its slot; false if it is there already. */
  private static boolean insert(long[] table, long value) {
    int mask = table.length - 1;
    for (int i = slot(value, mask); ; i = (i + 1) & mask) {
      if (table[i] == 0) {
        table[i] = value;
        return true;
      }
      if (table[i] == value) {
        return false;
      }
    }
  }

  /**
   * The home slot: the high bits of the value times the golden ratio (Fibonacci hashing), so that
   * values that differ only in their high bits, or run in steps, still spread over the table.
   */
  private static int slot(long value, int mask) {
    return (int) ((value * 0x9E3779B97F4A7C15L) >>> 32) & mask;
  }

  private void grow() {
    if (slots.length == MAX_SLOTS) {
      throw new IllegalStateException(
          "a LongHashSet holds at most " + MAX_SLOTS / 2 + " values; " + size() + " are in it");
    }
    long[] bigger = new long[slots.length * 2];
    for (long value : slots) {
      if (value != 0) {
        insert(bigger, value);
      }
    }
    slots = bigger;
  }
}
