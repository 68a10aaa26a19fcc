package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.providers.Providers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.dataset.DatasetCard;
import io.github.selfreflect.reflect.llm.Pricing;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a {@link ReflectRequest} that decide what a complete dataset holds, as one JSON
 * object with a fixed key order: two requests with equal recipes, equal chat files and an equal
 * cache give the same dataset bytes. {@link UpToDateCheck} compares it with the recipe of the
 * last build.
 *
 * <p>Every component of {@link ReflectRequest} is either in the recipe ({@link #INCLUDED}) or
 * named in {@link #WITHOUT_EFFECT} with the reason it cannot change a complete dataset; a test
 * fails when a new component is in neither, so a setting added later cannot silently leave a
 * stale dataset in place.
 */
final class BuildRecipe {

  /** The components of {@link ReflectRequest} that are part of the recipe. */
  static final Set<String> INCLUDED =
      Set.of(
          "cacheDirectory",
          "template",
          "model",
          "sampling",
          "failOnInvalid",
          "generatorVersion",
          "window",
          "dataset",
          "filters",
          "limits",
          "prompts",
          "provider");

  /** The components left out, each with why it cannot change a complete dataset. */
  static final Map<String, String> WITHOUT_EFFECT =
      Map.of(
          "chatsDirectory",
          "the chat files themselves are compared, by relative name and SHA-256",
          "outputDirectory",
          "it is where the dataset and the record of its build are",
          "offline",
          "only a complete build is recorded, and a complete dataset is the same in every mode",
          "concurrency",
          "it changes how fast replies arrive, not which",
          "maxReplyAttempts",
          "it changes how often a reply is asked for again, and only a build without failures is"
              + " recorded");

  private BuildRecipe() {}

  /** The recipe of {@code request}. */
  static ObjectNode of(ReflectRequest request) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode recipe = f.objectNode();
    recipe.put("generatorVersion", request.generatorVersion());
    recipe.put("template", request.template().id());
    recipe.put("templateFingerprint", request.template().fingerprint());
    // Not in the fingerprint (a prompt that fits keeps its key), yet it decides which targets
    // are shortened or skipped as too long.
    recipe.put("maxPromptTokens", request.template().maxPromptTokens());
    recipe.put("model", request.model());
    if (request.provider() != Providers.DEFAULT) {
      // Only when not the default: the recipes that builds recorded before providers stay equal.
      recipe.put("provider", request.provider().id());
    }
    recipe.put("temperature", request.sampling().temperature());
    recipe.put("maxCompletionTokens", request.sampling().maxTokens());
    recipe.put("window", request.window());
    recipe.put("failOnInvalid", request.failOnInvalid());
    recipe.put("structuredOutput", request.prompts().structuredOutput().name());
    recipe.put("targetsPerRequest", request.prompts().targetsPerRequest());
    recipe.put("cacheDirectory", absolute(request.cacheDirectory()));
    recipe.set("formats", sortedNames(request.dataset().formats()));
    recipe.put("sft", request.dataset().sft().name());
    recipe.set("card", card(request.dataset().card()));
    recipe.put("cacheSnapshotDirectory", absolute(request.dataset().cacheSnapshotDirectory()));
    recipe.set("filters", sortedNames(request.filters().enabled()));
    recipe.put("minLengthRatio", request.filters().minLengthRatio());
    recipe.put("maxLengthRatio", request.filters().maxLengthRatio());
    // Of the limits, only the prices reach the dataset (the manifest's cost figure): a build that
    // completed stayed within its rate caps, budgets and failure tolerance, whatever they were.
    recipe.set("pricing", pricing(request.limits().pricing()));
    return recipe;
  }

  /** The names of the settings whose values differ between two recipes, in recipe order. */
  static String differences(JsonNode before, JsonNode now) {
    StringBuilder names = new StringBuilder();
    now.fieldNames()
        .forEachRemaining(
            name -> {
              if (!now.get(name).equals(before.get(name))) {
                names.append(names.length() == 0 ? "" : ", ").append(name);
              }
            });
    before
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!now.has(name)) {
                names.append(names.length() == 0 ? "" : ", ").append(name);
              }
            });
    return names.toString();
  }

  private static String absolute(Path path) {
    return path == null ? null : path.toAbsolutePath().normalize().toString();
  }

  private static ArrayNode sortedNames(Collection<? extends Enum<?>> values) {
    ArrayNode names = JsonNodeFactory.instance.arrayNode();
    values.stream().map(Enum::name).sorted().forEach(names::add);
    return names;
  }

  private static JsonNode card(DatasetCard card) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (card == null) {
      return node;
    }
    node.put("title", card.title());
    node.put("description", card.description());
    node.put("license", card.license());
    ArrayNode languages = node.putArray("languages");
    if (card.languages() != null) {
      card.languages().forEach(languages::add);
    }
    return node;
  }

  private static JsonNode pricing(Pricing pricing) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (pricing == null) {
      return node;
    }
    node.put("input", pricing.input() == null ? null : pricing.input().toPlainString());
    node.put(
        "cachedInput", pricing.cachedInput() == null ? null : pricing.cachedInput().toPlainString());
    node.put("output", pricing.output() == null ? null : pricing.output().toPlainString());
    return node;
  }
}
