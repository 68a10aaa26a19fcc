package io.github.selfreflect.reflect.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailureThresholdTest {

  @Test
  void aCountToleratesThatManyFailures() {
    FailureThreshold three = FailureThreshold.parse("3");
    assertFalse(three.exceededBy(3, 10));
    assertTrue(three.exceededBy(4, 1_000));
    assertTrue(FailureThreshold.parse("0").exceededBy(1, 1_000_000));
    assertEquals("3", three.toString());
  }

  @Test
  void aPercentageIsAShareOfAllTargets() {
    FailureThreshold five = FailureThreshold.parse(" 5% ");
    assertFalse(five.exceededBy(5, 100));
    assertTrue(five.exceededBy(6, 100));
    assertFalse(FailureThreshold.parse("2.5%").exceededBy(1, 40));
    assertEquals("5%", five.toString());
  }

  @Test
  void anythingElseIsAClearError() {
    for (String bad : new String[] {"", "-1", "five", "120%", "5 %x"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FailureThreshold.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("expected a count (e.g. 10) or a percentage"), bad);
    }
  }
}
