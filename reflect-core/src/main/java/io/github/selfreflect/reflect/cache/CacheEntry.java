package io.github.selfreflect.reflect.cache;

import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import java.util.Objects;

/**
 * One paid-for reflection, as kept in the cache. Besides the parsed result it keeps the model's
 * raw reply (so a better parser can re-read it without paying again) and where the target came
 * from (so that a human reading the committed cache, and {@code reflect:compact}, can tell what it
 * belongs to).
 *
 * @param key the cache key: see {@link CacheKeys}
 * @param template the template id
 * @param model the model the request named
 * @param source the chat file, relative to the chats directory
 * @param conversationId the conversation's id
 * @param turn the index of the target assistant message in the conversation
 * @param reflection the parsed, checked result
 * @param reply the model's raw reply text
 * @param usage the tokens the request cost
 */
public record CacheEntry(
    String key,
    String template,
    String model,
    String source,
    String conversationId,
    int turn,
    Reflection reflection,
    String reply,
    Usage usage) {

  public CacheEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(reflection, "reflection");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(usage, "usage");
  }
}
