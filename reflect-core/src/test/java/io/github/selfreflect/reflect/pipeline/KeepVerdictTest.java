package io.github.selfreflect.reflect.pipeline;

import static io.github.selfreflect.reflect.pipeline.ChatRepo.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.dataset.SftSelection;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.HindsightPrompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code keep} verdict makes no preference pair; {@code reflect.sft} decides whether the kept
 * original is SFT data. The server keeps every answer to a question that starts with "Keep".
 */
class KeepVerdictTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private static String keepOrRevise(JsonNode body) {
    HindsightPrompt prompt = HindsightPrompt.of(body);
    ObjectNode root = MAPPER.createObjectNode();
    for (int target : prompt.targets()) {
      root.withArray("results")
          .add(prompt.result(target, prompt.question(target).startsWith("Keep") ? "keep" : "revise"));
    }
    return root.toString();
  }

  private List<String> lastContents(ChatRepo repo, String file, String pointer) throws Exception {
    List<String> contents = new ArrayList<>();
    for (String line : repo.lines(file)) {
      JsonNode messages = MAPPER.readTree(line).at(pointer);
      contents.add(messages.get(messages.size() - 1).get("content").asText());
    }
    return contents;
  }

  @Test
  void keptOriginalsGoIntoSftOnlyWithAll() throws Exception {
    for (SftSelection selection : SftSelection.values()) {
      Path root = dir.resolve(selection.wireName());
      ChatRepo repo =
          new ChatRepo(root)
              .chat("chats.jsonl", record(null, "Keep: 2+2?", "4.", "Why is 7 prime?", "It is odd.", "Odd is not enough."));
      try (FakeLlmServer fake = new FakeLlmServer(KeepVerdictTest::keepOrRevise).start()) {
        RunSummary summary = repo.run(fake, repo.request(new HindsightTemplate()).withSft(selection), r -> r);
        assertEquals(2, summary.reflected());
        assertEquals(1, fake.requestCount(), "both targets in one request");
      }
      String revised = FakeLlmServer.answerFor("Why is 7 prime?");
      assertEquals(
          selection == SftSelection.ALL ? List.of("4.", revised) : List.of(revised),
          lastContents(repo, "sft.jsonl", "/messages"),
          selection.toString());
      assertEquals(List.of(revised), lastContents(repo, "preference.jsonl", "/chosen"));
      assertEquals(2, repo.lines("reflections.jsonl").size(), "every verdict is recorded");
      assertEquals("keep", MAPPER.readTree(repo.lines("reflections.jsonl").get(0)).get("verdict").asText());
    }
  }

  @Test
  void selectionsAreReadByTheirNames() {
    assertEquals(SftSelection.REVISED, SftSelection.parse("Revised"));
    assertEquals(SftSelection.ALL, SftSelection.parse(""));
    assertEquals(
        "expected revised or all, found 'kept'",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SftSelection.parse("kept")).getMessage());
  }
}
