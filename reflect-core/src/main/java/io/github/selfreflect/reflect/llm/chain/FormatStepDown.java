package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.ResponseFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@code reflect.structuredOutput=auto}: remembers, for one run, which response format the
 * endpoint accepts. Requests start as planned ({@code json_schema}); when the server rejects one
 * because of its response format, the run steps down to {@code json_object}, then to none, and
 * sends every later request that way, so the rejection is paid for once per step and not once per
 * target. The step down is sent at once and is not an attempt of the reply: the question was asked
 * in a way the server lacks, not answered badly.
 *
 * <p>What counts as "rejected because of its response format": a 400 or 422 whose error message
 * names the parameter: {@code response_format}, {@code json_schema} or {@code json_object} for
 * OpenAI-compatible servers (OpenAI: "Invalid parameter: 'response_format' of type 'json_schema'
 * is not supported with this model"; vLLM, llama.cpp and Ollama word it differently but name the
 * parameter), {@code output_config} or {@code output_format} for Anthropic. Other 400s, such as
 * OpenAI's {@code unsupported_value} for a system role, are not a format problem and are not
 * retried.
 *
 * <p>The cache key stays the planned request's: a step down changes how the question is asked of
 * this endpoint, not the question.
 */
public final class FormatStepDown implements ChatLayer {

  private static final int SCHEMA = 2;
  private static final int OBJECT = 1;
  private static final int NONE = 0;

  private final boolean enabled;
  private final Consumer<String> warn;
  private final AtomicInteger level = new AtomicInteger(SCHEMA);

  /**
   * @param enabled whether to step down at all ({@code auto}); otherwise every request goes as
   *     planned and a refusal is a failure
   * @param warn told once per step, saying what is sent from now on
   */
  public FormatStepDown(boolean enabled, Consumer<String> warn) {
    this.enabled = enabled;
    this.warn = warn;
  }

  @Override
  public ChatResponse intercept(Chain chain) throws LlmException {
    ChatRequest planned = chain.call().request();
    while (true) {
      ChatRequest sent = adapt(planned);
      try {
        return chain.proceed(sent);
      } catch (LlmException e) {
        String steppedDown = stepDown(sent, e);
        if (steppedDown == null) {
          throw e;
        }
        if (!steppedDown.isEmpty()) {
          warn.accept(steppedDown);
        }
      }
    }
  }

  /** The request as it is sent now: the planned one, stepped down as far as the run has gone. */
  ChatRequest adapt(ChatRequest planned) {
    ResponseFormat format = planned.responseFormat();
    if (!enabled || format == null || levelOf(format) <= level.get()) {
      return planned;
    }
    return planned.withResponseFormat(level.get() == OBJECT ? ResponseFormat.jsonObject() : null);
  }

  /**
   * Whether {@code failure} of {@code sent} is the endpoint refusing its response format; if so,
   * steps the run down below that format and returns a description for the log (empty when
   * another request already stepped down past it), else null.
   */
  String stepDown(ChatRequest sent, LlmException failure) {
    ResponseFormat format = sent.responseFormat();
    if (!enabled || format == null || !rejectsFormat(failure)) {
      return null;
    }
    int from = levelOf(format);
    int to = from - 1;
    if (level.getAndAccumulate(to, Math::min) <= to) {
      return "";
    }
    return "the endpoint does not accept response_format " + format.type().wireName()
        + "; sending " + (to == OBJECT ? "json_object" : "no response_format")
        + " for the rest of the run (" + failure.getMessage() + ")";
  }

  static boolean rejectsFormat(LlmException failure) {
    if (failure.status() != 400 && failure.status() != 422) {
      return false;
    }
    String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("response_format")
        || message.contains("json_schema")
        || message.contains("json_object")
        || message.contains("output_config")
        || message.contains("output_format");
  }

  private static int levelOf(ResponseFormat format) {
    return format.type() == ResponseFormat.Type.JSON_SCHEMA ? SCHEMA : OBJECT;
  }
}
