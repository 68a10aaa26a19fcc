package io.github.selfreflect.reflect.pipeline;

import static io.github.selfreflect.reflect.pipeline.ChatRepo.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.dataset.SftSelection;
import io.github.selfreflect.reflect.evaluate.EvaluateRequest;
import io.github.selfreflect.reflect.evaluate.EvaluationResult;
import io.github.selfreflect.reflect.evaluate.Evaluator;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.HindsightPrompt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code keep} verdict makes no preference pair; {@code reflect.sft} decides whether the kept
 * original is SFT data; the filters, the report and the evaluation treat it as shipped data
 * without a pair. The server keeps every answer to a question that starts with "Keep".
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

  /** The summary the report embeds for its page. */
  private static JsonNode reportSummary(ChatRepo repo) throws Exception {
    String page = Files.readString(repo.root.resolve("out/report.html"), StandardCharsets.UTF_8);
    String open = "id=\"reflect-summary\">";
    int start = page.indexOf(open) + open.length();
    return MAPPER.readTree(page.substring(start, page.indexOf("</script>", start)));
  }

  /** A judge that prefers the fake reflector's new answer, wherever it stands. */
  private static String judge(JsonNode body) {
    String user = body.at("/messages/1/content").asText();
    boolean revisedIsA = user.substring(user.indexOf("{\"A\":")).startsWith("{\"A\":\"A better answer");
    return "{\"reason\": \"It answers.\", \"better\": \"" + (revisedIsA ? "A" : "B") + "\"}";
  }

  @Test
  void keptTargetsPassTheFiltersAreCountedByTheReportAndAreNotJudged() throws Exception {
    for (SftSelection selection : SftSelection.values()) {
      Path root = dir.resolve("report-" + selection.wireName());
      ChatRepo repo =
          new ChatRepo(root)
              .chat("chats.jsonl", record(null, "Keep: 2+2?", "4.", "Why is 7 prime?", "It is odd.", "Odd is not enough."));
      try (FakeLlmServer fake = new FakeLlmServer(KeepVerdictTest::keepOrRevise).start()) {
        repo.run(fake, repo.request(new HindsightTemplate()).withSft(selection), r -> r);
      }
      // A keep has an empty new answer: the length, identical and refusal filters are not its
      // business, so nothing is left out.
      JsonNode manifest = MAPPER.readTree(root.resolve("out/manifest.json").toFile());
      assertEquals(0, manifest.at("/filters/excludedTotal").asInt(), selection.toString());

      JsonNode summary = reportSummary(repo);
      assertEquals(1, summary.at("/verdicts/keep").asInt());
      assertEquals(1, summary.at("/verdicts/revise").asInt());
      assertEquals(
          repo.lines("sft.jsonl").size(), summary.at("/training/sft").asInt(),
          "the report counts the SFT records written, " + selection);
      assertEquals(1, summary.at("/training/preference").asInt());

      // Only the revised target shipped a preference pair, so only it is judged (in two orders).
      try (FakeLlmServer judge = new FakeLlmServer(KeepVerdictTest::judge).start()) {
        EvaluationResult result =
            new Evaluator(
                    new EvaluateRequest(root.resolve("out"), root.resolve("cache"), "judge",
                        SamplingParameters.DEFAULTS, 10, 1, OfflineMode.OFF, 1, 1),
                    gate -> OpenAiChatClient.builder().baseUrl(judge.baseUrl()).requestGate(gate).build(),
                    ReflectListener.SILENT)
                .run();
        assertEquals(1, result.pairs());
        assertEquals(1, result.wins());
        assertEquals(2, judge.requestCount());
      }
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
