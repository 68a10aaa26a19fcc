package io.github.selfreflect.reflect.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PricingTest {

  @Test
  void costsUncachedCachedAndCompletionTokensAtTheirOwnPrices() {
    Pricing pricing = Pricing.parse("2.50,1.25,10.00");
    // 1M prompt tokens of which 400k cached, 200k completion:
    // 600k x 2.50 + 400k x 1.25 + 200k x 10.00 per million = 1.5 + 0.5 + 2.0.
    assertEquals(
        new BigDecimal("4.000000"), pricing.cost(new Usage(1_000_000, 400_000, 200_000)));
    assertEquals(new BigDecimal("0.000000"), pricing.cost(Usage.NONE));
  }

  @Test
  void twoPricesMeanNoCachedDiscount() {
    Pricing pricing = Pricing.parse("3, 15");
    assertEquals(pricing.input(), pricing.cachedInput());
    assertEquals(new BigDecimal("0.000018"), pricing.cost(new Usage(1, 1, 1)));
  }

  @Test
  void badPricesAreClearErrors() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pricing.parse("2.50"));
    assertTrue(e.getMessage().contains("input,cachedInput,output"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Pricing.parse("2.50,cheap,10"));
    assertEquals("expected a number for price 2 of '2.50,cheap,10', found 'cheap'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pricing.parse("-1,1,1"));
  }
}
