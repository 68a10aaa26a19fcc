package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatRequest;
import java.util.Objects;

/**
 * One question to a model as the caller asks it: the request, and what makes a reply usable.
 * Layers may send the request in another form (a lower response format); the check stays.
 *
 * @param request the request as planned (the one its cache key was computed from)
 * @param check decides whether a reply is usable; {@link ReplyCheck#ANY} takes every reply
 * @param subject what the question is about, for messages (e.g. a target's file and turn)
 */
public record ChatCall(ChatRequest request, ReplyCheck check, String subject) {

  public ChatCall {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(subject, "subject");
  }

  /** A call that takes any reply that is not cut off. */
  public static ChatCall of(ChatRequest request) {
    return new ChatCall(request, ReplyCheck.ANY, "request");
  }
}
