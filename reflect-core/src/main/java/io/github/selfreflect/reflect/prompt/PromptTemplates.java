package io.github.selfreflect.reflect.prompt;

import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.prompt.seed.SeedTemplate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt templates users can select by id ({@code reflect.template}). Templates are stateless,
 * so one shared instance of each is handed out.
 */
public final class PromptTemplates {

  private static final Map<String, PromptTemplate> BY_ID = register(new HindsightTemplate(), new SeedTemplate());

  private PromptTemplates() {}

  /**
   * The template with this id.
   *
   * @throws IllegalArgumentException for an unknown id; the message lists the known ones
   */
  public static PromptTemplate byId(String id) {
    PromptTemplate template = id == null ? null : BY_ID.get(id);
    if (template == null) {
      throw new IllegalArgumentException(
          "unknown prompt template '" + id + "'; available: " + String.join(", ", ids()));
    }
    return template;
  }

  /** The ids of all templates, in registration order (the default, {@code hindsight}, first). */
  public static List<String> ids() {
    return List.copyOf(BY_ID.keySet());
  }

  private static Map<String, PromptTemplate> register(PromptTemplate... templates) {
    Map<String, PromptTemplate> byId = new LinkedHashMap<>();
    for (PromptTemplate template : templates) {
      if (byId.putIfAbsent(template.id(), template) != null) {
        throw new IllegalStateException("two prompt templates share the id " + template.id());
      }
    }
    return Collections.unmodifiableMap(byId); // not Map.copyOf: it would lose the order
  }
}
