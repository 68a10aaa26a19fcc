package io.github.selfreflect.reflect.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LongHashSetTest {

  /** A bijection on longs (the SplitMix64 finalizer): distinct inputs, distinct spread-out values. */
  private static long scrambled(long i) {
    long z = i;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Test
  void addIsTrueForANewValueAndFalseForOneAlreadyThere() {
    LongHashSet set = new LongHashSet();
    assertTrue(set.add(42));
    assertFalse(set.add(42));
    assertTrue(set.add(-42));
    assertTrue(set.add(Long.MIN_VALUE));
    assertTrue(set.add(Long.MAX_VALUE));
    assertFalse(set.add(Long.MIN_VALUE));
    assertEquals(4, set.size());
  }

  @Test
  void zeroIsAnElementLikeAnyOther() {
    // The table marks a free slot with 0; the value 0 must still be kept, once, and be told apart
    // from 1 (the value the fingerprint sets used to store in its place).
    LongHashSet set = new LongHashSet();
    assertTrue(set.add(0));
    assertFalse(set.add(0));
    assertEquals(1, set.size());
    assertTrue(set.add(1), "1 is not 0");
    assertFalse(set.add(0));
    for (int i = 2; i < 5_000; i++) {
      set.add(i);
    }
    assertFalse(set.add(0), "0 is kept across growth");
    assertEquals(5_000, set.size());
  }

  @Test
  void growingKeepsEveryValue() {
    LongHashSet set = new LongHashSet();
    // Consecutive values and values that differ only in their high bits: the patterns that
    // cluster in a table indexed by the low bits.
    for (long i = 0; i < 20_000; i++) {
      assertTrue(set.add(i), "first add of " + i);
      assertTrue(set.add((i + 1) << 40), "first add of " + (i + 1) + " << 40");
    }
    assertEquals(40_000, set.size());
    for (long i = 0; i < 20_000; i++) {
      assertFalse(set.add(i), "second add of " + i);
      assertFalse(set.add((i + 1) << 40), "second add of " + (i + 1) + " << 40");
    }
    assertEquals(40_000, set.size());
    assertTrue(set.add(20_000));
  }

  @Test
  void holdsAMillionValues() {
    LongHashSet set = new LongHashSet();
    int n = 1_000_000;
    for (long i = 0; i < n; i++) {
      assertTrue(set.add(scrambled(i)));
    }
    assertEquals(n, set.size());
    for (long i = 0; i < n; i++) {
      if (set.add(scrambled(i))) {
        throw new AssertionError("value " + i + " of " + n + " was lost");
      }
    }
    assertTrue(set.add(scrambled(n)));
    assertEquals(n + 1, set.size());
  }
}
