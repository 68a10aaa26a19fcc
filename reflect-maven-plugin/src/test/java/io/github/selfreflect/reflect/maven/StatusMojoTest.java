package io.github.selfreflect.reflect.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.pipeline.StatusReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code reflect:status} prints, as text and as JSON, from one report. */
class StatusMojoTest {

  private static final StatusReport OVER_BUDGET =
      new StatusReport(2, 7, 3, 2, 2, 1, 0, 4, 812, "approximate (4 characters a token)", false, List.of());

  @Test
  void jsonCountsTheTargetsOverThePromptBudget() throws Exception {
    JsonNode json = new ObjectMapper().readTree(StatusMojo.json(OVER_BUDGET));

    assertEquals(2, json.get("tooLong").asLong(), json.toString());
    assertEquals(
        json.get("targets").asLong(),
        json.get("cached").asLong() + json.get("toReflect").asLong() + json.get("tooLong").asLong(),
        "every target is cached, to reflect or too long: " + json);
    assertEquals(
        List.of("conversations", "targets", "cached", "toReflect", "tooLong", "invalidRecords",
            "invalidCacheLines", "duplicateCacheLines", "promptTokens", "missing"),
        fieldNames(json));
  }

  @Test
  void textShowsTheSameCountBesideTheOthers() {
    List<String> lines = StatusMojo.text(OVER_BUDGET);

    assertEquals("Targets:             7", lines.get(1));
    assertEquals("Cached:              3", lines.get(2));
    assertEquals("To reflect:          2", lines.get(3));
    assertEquals(
        "Too long:            2 (over reflect.maxPromptTokens: skipped, not paid for)", lines.get(4));
  }

  @Test
  void withNothingOverTheBudgetTheCountIsZeroInBoth() throws Exception {
    StatusReport none =
        new StatusReport(1, 2, 2, 0, 0, 0, 0, 0, 0, "o200k_base", true, List.of());

    assertTrue(StatusMojo.text(none).contains("Too long:            0"), StatusMojo.text(none).toString());
    assertEquals(0, new ObjectMapper().readTree(StatusMojo.json(none)).get("tooLong").asLong());
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
