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
 */
public record ChatRequest(String model, List<Message> messages, SamplingParameters sampling) {

  public ChatRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
    Objects.requireNonNull(sampling, "sampling");
  }
}
