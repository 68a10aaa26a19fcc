package io.github.selfreflect.reflect.llm;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.github.selfreflect.reflect.chat.Message;
import java.util.Locale;
import java.util.Optional;

/**
 * Estimates what a request will cost in prompt tokens before it is sent ({@code reflect:status}).
 *
 * <p>For OpenAI models it counts real tokens with OpenAI's own encodings (jtokkit): {@code
 * o200k_base} for the GPT-4o, GPT-4.1, GPT-5 and o-series families, {@code cl100k_base} for GPT-4
 * and GPT-3.5, and whatever jtokkit knows for other OpenAI names. To the content it adds the
 * chat format's overhead as OpenAI documents it: 3 tokens per message and 3 that prime the reply.
 * The count matches the {@code prompt_tokens} the API reports to within those few tokens.
 *
 * <p>For any other model (Llama, Qwen, Mistral, ...) the tokenizer is not known here, so it uses
 * the usual approximation of one token per 4 characters of content, plus the same overhead. For
 * English text that is within some 20% of the BPE tokenizers those models use; for code, or for
 * languages not written in the Latin alphabet, it can be off by more (usually under-counting).
 */
public final class TokenEstimator {

  static final int TOKENS_PER_MESSAGE = 3;
  static final int TOKENS_PRIMING_REPLY = 3;
  static final int CHARS_PER_TOKEN = 4;

  private final Encoding encoding;

  private TokenEstimator(Encoding encoding) {
    this.encoding = encoding;
  }

  /** The estimator for {@code model}: exact for OpenAI models, approximate for others. */
  public static TokenEstimator forModel(String model) {
    return new TokenEstimator(openAiEncoding(model).orElse(null));
  }

  /** An estimator that approximates, whatever the model. */
  public static TokenEstimator approximate() {
    return new TokenEstimator(null);
  }

  /** How the count is made, for the user: e.g. {@code o200k_base} or {@code approximate}. */
  public String method() {
    return encoding == null ? "approximate (4 characters a token)" : encoding.getName();
  }

  /** Whether the count comes from the model's real tokenizer. */
  public boolean exact() {
    return encoding != null;
  }

  /** The prompt tokens {@code request} will cost. */
  public long promptTokens(ChatRequest request) {
    long tokens = TOKENS_PRIMING_REPLY;
    for (Message message : request.messages()) {
      tokens += TOKENS_PER_MESSAGE + contentTokens(message.content());
    }
    return tokens;
  }

  private long contentTokens(String text) {
    if (encoding == null) {
      return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }
    return encoding.countTokensOrdinary(text);
  }

  private static Optional<Encoding> openAiEncoding(String model) {
    String name = model.toLowerCase(Locale.ROOT);
    int slash = name.lastIndexOf('/'); // e.g. openai/gpt-4o through a router
    if (slash >= 0) {
      name = name.substring(slash + 1);
    }
    EncodingRegistry registry = Registry.INSTANCE;
    if (name.startsWith("gpt-4o")
        || name.startsWith("gpt-4.1")
        || name.startsWith("gpt-4.5")
        || name.startsWith("gpt-5")
        || name.startsWith("chatgpt-4o")
        || name.matches("o[1-9](-.*)?")) {
      return Optional.of(registry.getEncoding(EncodingType.O200K_BASE));
    }
    if (name.startsWith("gpt-4") || name.startsWith("gpt-3.5")) {
      return Optional.of(registry.getEncoding(EncodingType.CL100K_BASE));
    }
    return registry.getEncodingForModel(name);
  }

  /** Loading the encodings takes a moment: only when an estimate is asked for, once. */
  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }
}
