package io.github.selfreflect.reflect.pipeline;

import static io.github.selfreflect.reflect.pipeline.PipelineFixture.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.HindsightPrompt;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hindsight template end to end, against a loopback server that checks what it receives. */
class HindsightPipelineTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyRequestCarriesTheWholeConversationAndNamesItsTargetAtTheEnd() throws Exception {
    PipelineFixture repo =
        new PipelineFixture(dir)
            .chat(
                "chats.jsonl",
                record(
                    "Réponds en français.",
                    "Combien de pattes a une araignée ?",
                    "Six.",
                    "Non, ce sont les insectes qui en ont six.",
                    "Vous avez raison : huit.",
                    "Merci."));
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      // One target a request, to see each request's layout; GroupedTargetsTest covers groups.
      RunSummary summary =
          repo.run(fake, repo.sequential(new HindsightTemplate()).withTargetsPerRequest(1), r -> r);
      assertEquals(2, summary.reflected());
      List<FakeLlmServer.Call> calls = fake.calls();
      assertEquals(2, calls.size());
      for (FakeLlmServer.Call call : calls) {
        JsonNode body = call.json();
        assertEquals("system", body.at("/messages/0/role").asText());
        HindsightPrompt prompt = call.hindsight();
        assertEquals(6, prompt.turns().size(), "every turn is shown");
        assertEquals("Réponds en français.", prompt.content(0));
      }
      assertEquals(List.of(2), calls.get(0).hindsight().targets());
      assertEquals(List.of(4), calls.get(1).hindsight().targets());
      assertEquals(
          FakeLlmServer.answerFor("Combien de pattes a une araignée ?"),
          MAPPER.readTree(repo.lines("sft.jsonl").get(0)).at("/messages/2/content").asText());
      JsonNode reflection = MAPPER.readTree(repo.lines("reflections.jsonl").get(0));
      assertEquals("[3]", reflection.get("evidence").toString());
      assertEquals("hindsight", reflection.get("template").asText());
    }
  }

  @Test
  void aTargetOverTheBudgetIsSkippedCountedAndReported() throws Exception {
    PipelineFixture repo =
        new PipelineFixture(dir)
            .chat(
                "chats.jsonl",
                record(null, "Paste this log back", "z".repeat(20_000), "Too long!", "Sorry.", "Ok."),
                record(null, "Hi", "Hello", "Thanks", "Welcome"));
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      RunSummary summary = repo.run(fake, new HindsightTemplate().withMaxPromptTokens(2000));
      assertEquals(3, summary.targets());
      assertEquals(1, summary.reflected(), "only the short conversation's target is sent");
      assertEquals(2, summary.tooLong());
      assertEquals(2, summary.skipped());
      assertEquals(0, summary.failed());
      assertEquals(1, fake.requestCount());
      assertEquals(List.of("Hi"), List.of(fake.calls().get(0).hindsight().question(1)));
      assertEquals(2, repo.warnings.size(), repo.warnings.toString());
      assertTrue(repo.warnings.get(0).matches("Skipping chats\\.jsonl:1 conversation \\S+ turn 1: turn 1 \\(assistant\\) alone is about 5\\d\\d\\d tokens, over reflect\\.maxPromptTokens=2000.*"), repo.warnings.get(0));
      assertTrue(repo.warnings.get(1).matches("Skipping chats\\.jsonl:1 conversation \\S+ turn 3: turn 1 \\(assistant\\) alone .*"), repo.warnings.get(1));
      JsonNode manifest = MAPPER.readTree(dir.resolve("out/manifest.json").toFile());
      assertEquals(2, manifest.at("/counts/skipped").asInt());
    }
  }
}
