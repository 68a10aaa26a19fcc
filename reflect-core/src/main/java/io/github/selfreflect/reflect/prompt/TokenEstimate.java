package io.github.selfreflect.reflect.prompt;

/**
 * A tokenizer-free estimate of how many tokens a text costs, for fitting prompts under {@code
 * reflect.maxPromptTokens}.
 *
 * <p>Why an estimate: the endpoint may be any model, with any tokenizer, and the core should not
 * carry one tokenizer's vocabulary for a budget check. The estimate leans high on purpose (a
 * prompt that fits the estimate fits the model): about four ASCII characters make a token in the
 * BPE tokenizers of GPT, Llama and Mistral on English text and JSON, while letters outside ASCII
 * (accents, Cyrillic, CJK) often cost a token each, so each counts as one. The benchmark program
 * measures real token counts with a real tokenizer.
 */
public final class TokenEstimate {

  private TokenEstimate() {}

  /** The estimated token count of {@code text}. */
  public static int of(CharSequence text) {
    long ascii = 0;
    long other = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        ascii++;
      } else if (!Character.isLowSurrogate(c)) {
        other++;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, (ascii + 3) / 4 + other);
  }
}
