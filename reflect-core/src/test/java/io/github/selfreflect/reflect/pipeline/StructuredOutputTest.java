package io.github.selfreflect.reflect.pipeline;

import static io.github.selfreflect.reflect.pipeline.ChatRepo.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reflect.structuredOutput}: what goes on the wire in each mode, and auto's fallback. */
class StructuredOutputTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** OpenAI's words for a model without structured outputs. */
  private static final String SCHEMA_UNSUPPORTED =
      "{\"error\":{\"message\":\"Invalid parameter: 'response_format' of type 'json_schema' is not"
          + " supported with this model.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
  /** llama.cpp-style words for a server without JSON mode. */
  private static final String OBJECT_UNSUPPORTED =
      "{\"error\":{\"code\":400,\"message\":\"Unsupported response_format type: json_object\",\"type\":\"invalid_request_error\"}}";

  @TempDir Path dir;
  private ChatRepo repo;

  @BeforeEach
  void chats() throws Exception {
    repo =
        new ChatRepo(dir)
            .chat(
                "chats.jsonl",
                record(null, "q0", "a1", "q2", "a3"),
                record(null, "r0", "b1", "r2", "b3"),
                record(null, "s0", "c1", "s2", "c3"));
  }

  private List<String> formatsSent(FakeLlmServer fake) {
    List<String> types = new ArrayList<>();
    for (JsonNode body : fake.requestJson()) {
      types.add(body.has("response_format") ? body.at("/response_format/type").asText() : "none");
    }
    return types;
  }

  @Test
  void eachModeSendsItsResponseFormat() throws Exception {
    for (StructuredOutput mode : StructuredOutput.values()) {
      try (FakeLlmServer fake = new FakeLlmServer().start()) {
        repo.run(fake, repo.request(new HindsightTemplate()).withStructuredOutput(mode), r -> r);
        String expected =
            switch (mode) {
              case AUTO, JSON_SCHEMA -> "json_schema";
              case JSON_OBJECT -> "json_object";
              case PROMPT -> "none";
            };
        assertEquals(List.of(expected, expected, expected), formatsSent(fake), mode.toString());
        JsonNode body = fake.requestJson().get(0);
        if (expected.equals("json_schema")) {
          assertEquals("reflect_hindsight", body.at("/response_format/json_schema/name").asText());
          assertTrue(body.at("/response_format/json_schema/strict").asBoolean());
          assertEquals(new HindsightTemplate().replySchema(), body.at("/response_format/json_schema/schema"));
        }
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertEquals(expected.equals("none") ? "messages" : "response_format", fields.get(fields.size() - 1));
      }
      dir.resolve("cache").toFile().renameTo(dir.resolve("cache-" + mode).toFile());
    }
  }

  @Test
  void theSeedIsSentWithoutAResponseFormatWhateverTheMode() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      repo.run(fake, repo.request(PromptTemplates.byId("seed")).withStructuredOutput(StructuredOutput.JSON_SCHEMA), r -> r);
      assertEquals(List.of("none", "none", "none"), formatsSent(fake));
    }
  }

  @Test
  void autoStepsDownOnceAndRemembersForTheRun() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      fake.enqueueFaults(
          Fault.raw(400, "application/json", SCHEMA_UNSUPPORTED),
          Fault.raw(400, "application/json", OBJECT_UNSUPPORTED));
      ReflectRequest request = repo.sequential(new HindsightTemplate());
      RunSummary summary = repo.run(fake, request, r -> r);
      assertEquals(3, summary.reflected());
      assertEquals(0, summary.failed());
      assertEquals(List.of("json_schema", "json_object", "none", "none", "none"), formatsSent(fake));
      assertEquals(2, repo.warnings.size(), repo.warnings.toString());
      assertTrue(repo.warnings.get(0).startsWith("the endpoint does not accept response_format json_schema; sending json_object for the rest of the run"), repo.warnings.get(0));
      assertTrue(repo.warnings.get(1).startsWith("the endpoint does not accept response_format json_object; sending no response_format"), repo.warnings.get(1));
    }
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      RunSummary rerun = repo.run(fake, new HindsightTemplate());
      assertEquals(3, rerun.cached(), "replies got by falling back are stored under the planned keys");
      assertEquals(0, fake.requestCount());
    }
  }

  /** The recorded OpenAI 400 {@code unsupported_value} is about a message role, not the format. */
  @Test
  void autoDoesNotFallBackOnOtherBadRequests() throws Exception {
    JsonNode recorded;
    try (InputStream in = getClass().getResourceAsStream("/openai/openai-chat-400-unsupported_value.exchanges.json")) {
      recorded = MAPPER.readTree(in).get(0).get("response");
    }
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      fake.enqueueFault(Fault.raw(400, "application/json", recorded.get("body").toString()));
      ReflectRequest request = repo.sequential(new HindsightTemplate());
      ReflectFailureException e = assertThrows(ReflectFailureException.class, () -> repo.run(fake, request, r -> r));
      assertEquals(1, e.summary().failed());
      assertTrue(e.getMessage().contains("does not support 'system' with this model"), e.getMessage());
      assertEquals(List.of("json_schema", "json_schema", "json_schema"), formatsSent(fake));
      assertFalse(repo.warnings.stream().anyMatch(w -> w.contains("does not accept response_format")));
    }
  }

  @Test
  void modesAreReadByTheirNames() {
    assertEquals(StructuredOutput.JSON_OBJECT, StructuredOutput.parse(" JSON_object "));
    assertEquals(StructuredOutput.AUTO, StructuredOutput.parse(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StructuredOutput.parse("schema"));
    assertEquals("expected auto, json_schema, json_object or prompt, found 'schema'", e.getMessage());
  }
}
