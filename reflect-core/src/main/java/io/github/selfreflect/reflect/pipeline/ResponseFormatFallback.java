package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.ResponseFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code reflect.structuredOutput=auto}: remembers, for one run, which response format the
 * endpoint accepts. Requests start as planned ({@code json_schema}); when the server rejects
 * one because of its {@code response_format}, the run steps down to {@code json_object}, then to
 * none, and sends every later request that way, so the rejection is paid for once per step and
 * not once per target.
 *
 * <p>What counts as "rejected because of its response format": a 400 or 422 whose error message
 * names {@code response_format}, {@code json_schema} or {@code json_object} (OpenAI: "Invalid
 * parameter: 'response_format' of type 'json_schema' is not supported with this model"; vLLM,
 * llama.cpp and Ollama word it differently but name the parameter). Other 400s, such as OpenAI's
 * {@code unsupported_value} for a system role, are not a format problem and are not retried.
 *
 * <p>The cache key stays the planned request's: a step down changes how the question is asked of
 * this endpoint, not the question.
 */
final class ResponseFormatFallback {

  private static final int SCHEMA = 2;
  private static final int OBJECT = 1;
  private static final int NONE = 0;

  private final boolean enabled;
  private final AtomicInteger level = new AtomicInteger(SCHEMA);

  ResponseFormatFallback(StructuredOutput mode) {
    this.enabled = mode == StructuredOutput.AUTO;
  }

  /** The request as it is sent now: the planned one, stepped down as far as the run has gone. */
  ChatRequest adapt(ChatRequest planned) {
    ResponseFormat format = planned.responseFormat();
    if (!enabled || format == null || levelOf(format) <= level.get()) {
      return planned;
    }
    return planned.withResponseFormat(
        level.get() == OBJECT ? ResponseFormat.jsonObject() : null);
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
        || message.contains("json_object");
  }

  private static int levelOf(ResponseFormat format) {
    return format.type() == ResponseFormat.Type.JSON_SCHEMA ? SCHEMA : OBJECT;
  }
}
