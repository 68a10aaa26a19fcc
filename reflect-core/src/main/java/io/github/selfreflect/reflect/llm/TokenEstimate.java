package io.github.selfreflect.reflect.llm;

/**
 * A rough token count of a request before it is sent, for token caps and budgets: a quarter of
 * the characters of the messages (OpenAI's rule of thumb for English) plus the reply's {@code
 * max_tokens}, which OpenAI counts against a token rate limit in full. The real count from the
 * reply's usage corrects it afterwards, so a rough figure is enough; no tokenizer is needed.
 */
public final class TokenEstimate {

  /** Assumed reply length when the request sets no {@code max_tokens}. */
  static final long DEFAULT_REPLY_TOKENS = 1_000;

  private TokenEstimate() {}

  public static long of(ChatRequest request) {
    long chars = 0;
    for (var message : request.messages()) {
      chars += message.content() == null ? 0 : message.content().length();
    }
    Integer maxTokens = request.sampling().maxTokens();
    return (chars + 3) / 4 + (maxTokens != null ? maxTokens : DEFAULT_REPLY_TOKENS);
  }
}
