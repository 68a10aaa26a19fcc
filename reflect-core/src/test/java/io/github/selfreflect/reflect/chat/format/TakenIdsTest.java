package io.github.selfreflect.reflect.chat.format;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TakenIdsTest {

  @Test
  void remembersEveryIdAcrossGrowth() {
    TakenIds taken = new TakenIds();
    for (int i = 0; i < 50_000; i++) {
      assertTrue(taken.add("id-" + i), "first add of id-" + i);
    }
    for (int i = 0; i < 50_000; i++) {
      assertFalse(taken.add("id-" + i), "second add of id-" + i);
    }
    assertTrue(taken.add("id-50000"));
  }

  @Test
  void similarIdsHaveDifferentFingerprints() {
    assertNotEquals(TakenIds.fingerprint("ab"), TakenIds.fingerprint("ba"));
    assertNotEquals(TakenIds.fingerprint(""), TakenIds.fingerprint("\0"));
    assertNotEquals(0, TakenIds.fingerprint(""));
  }
}
