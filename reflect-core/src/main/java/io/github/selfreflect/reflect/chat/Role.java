package io.github.selfreflect.reflect.chat;

import java.util.Locale;

/** Who wrote a message. Every chat format maps its own speaker names onto these four. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL;

  /** The role's name in OpenAI's chat format ({@code "system"}, {@code "user"}, ...). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
