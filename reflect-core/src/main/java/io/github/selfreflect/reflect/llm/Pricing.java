package io.github.selfreflect.reflect.llm;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * Prices per million tokens, as the user supplies them ({@code reflect.pricing}): Reflect ships no
 * price list, because prices change and differ per provider, model and contract.
 *
 * @param input price of a million prompt tokens not served from the provider's prompt cache
 * @param cachedInput price of a million prompt tokens served from the prompt cache
 * @param output price of a million completion tokens
 */
public record Pricing(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  public Pricing {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(cachedInput, "cachedInput");
    Objects.requireNonNull(output, "output");
    if (input.signum() < 0 || cachedInput.signum() < 0 || output.signum() < 0) {
      throw new IllegalArgumentException("prices must not be negative");
    }
  }

  /**
   * Reads {@code input,cachedInput,output}, e.g. {@code 2.50,1.25,10.00} (US dollars or any
   * currency: the cost comes out in the same one). Two values mean no discount for cached input.
   *
   * @throws IllegalArgumentException naming what was expected
   */
  public static Pricing parse(String text) {
    String[] parts = text == null ? new String[0] : text.split(",", -1);
    if (parts.length != 2 && parts.length != 3) {
      throw new IllegalArgumentException(
          "expected prices per million tokens as input,cachedInput,output (e.g. 2.50,1.25,10.00),"
              + " found '" + text + "'");
    }
    BigDecimal[] prices = new BigDecimal[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        prices[i] = new BigDecimal(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "expected a number for price " + (i + 1) + " of '" + text + "', found '"
                + parts[i].trim() + "'");
      }
    }
    return parts.length == 2
        ? new Pricing(prices[0], prices[0], prices[1])
        : new Pricing(prices[0], prices[1], prices[2]);
  }

  /** What {@code usage} costs, rounded to millionths. */
  public BigDecimal cost(Usage usage) {
    long uncached = Math.max(0, usage.promptTokens() - usage.cachedPromptTokens());
    BigDecimal total =
        input
            .multiply(BigDecimal.valueOf(uncached))
            .add(cachedInput.multiply(BigDecimal.valueOf(usage.cachedPromptTokens())))
            .add(output.multiply(BigDecimal.valueOf(usage.completionTokens())));
    return total.divide(MILLION, 6, RoundingMode.HALF_UP);
  }
}
