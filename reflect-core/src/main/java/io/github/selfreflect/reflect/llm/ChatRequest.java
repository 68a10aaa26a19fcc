package io.github.selfreflect.reflect.llm;

import io.github.selfreflect.reflect.chat.Message;
import java.util.List;
import java.util.Objects;

/**
 * One chat-completions request. {@link ChatRequestJson#toJson} gives its canonical JSON body,
 * which is both what is sent and what the cache key is computed from.
 *
 * @param model the model name sent to the server
 * @param messages the prompt messages (role and content)
 * @param sampling sampling options
 * @param responseFormat how the server is asked to shape the reply, or null to ask nothing (the
 *     prompt alone says what to write)
 */
public record ChatRequest(
    String model, List<Message> messages, SamplingParameters sampling, ResponseFormat responseFormat) {

  public ChatRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
    Objects.requireNonNull(sampling, "sampling");
  }

  /** A request without a response format. */
  public ChatRequest(String model, List<Message> messages, SamplingParameters sampling) {
    this(model, messages, sampling, null);
  }

  /** This request with another response format (null for none). */
  public ChatRequest withResponseFormat(ResponseFormat format) {
    return new ChatRequest(model, messages, sampling, format);
  }
}
