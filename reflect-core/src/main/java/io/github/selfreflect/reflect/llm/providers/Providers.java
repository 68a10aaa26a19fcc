package io.github.selfreflect.reflect.llm.providers;

import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.openai.OpenAiProvider;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where providers are chosen: every provider Reflect speaks, by {@code reflect.provider} id. */
public final class Providers {

  /** The provider when none is named. */
  public static final Provider DEFAULT = OpenAiProvider.INSTANCE;

  /** Every provider; a new one is one more entry. */
  private static final List<Provider> ALL = List.of(OpenAiProvider.INSTANCE);

  private Providers() {}

  /**
   * @throws IllegalArgumentException naming the known ids when {@code id} is none of them
   */
  public static Provider byId(String id) {
    if (id == null || id.isBlank()) {
      return DEFAULT;
    }
    String wanted = id.strip().toLowerCase(Locale.ROOT);
    for (Provider provider : ALL) {
      if (provider.id().equals(wanted)) {
        return provider;
      }
    }
    throw new IllegalArgumentException(
        "expected one of " + ALL.stream().map(Provider::id).collect(Collectors.joining(", "))
            + ", found '" + id + "'");
  }

  /** Every provider's id, for messages and documentation. */
  public static List<String> ids() {
    return ALL.stream().map(Provider::id).toList();
  }
}
