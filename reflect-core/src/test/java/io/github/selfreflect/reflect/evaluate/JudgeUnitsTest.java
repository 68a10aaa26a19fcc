package io.github.selfreflect.reflect.evaluate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge's parts: the interval, the prompt and its parser, the judgment cache. */
class JudgeUnitsTest {

  @TempDir Path dir;

  @Test
  void wilsonIntervalMatchesPublishedValues() {
    // Newcombe (1998), Statistics in Medicine 17: 857-872, table I.
    WilsonInterval a = WilsonInterval.of95(81, 263);
    assertEquals(0.2553, a.low(), 1e-4);
    assertEquals(0.3662, a.high(), 1e-4);
    WilsonInterval zero = WilsonInterval.of95(0, 10);
    assertEquals(0.0, zero.low());
    assertEquals(0.2775, zero.high(), 1e-4);
    WilsonInterval all = WilsonInterval.of95(10, 10);
    assertEquals(0.7225, all.low(), 1e-4);
    assertEquals(1.0, all.high(), 1e-12);
    assertEquals(new WilsonInterval(0, 1), WilsonInterval.of95(0, 0));
    assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of95(3, 2));
  }

  @Test
  void theJudgeSeesTheConversationAsJsonAndTheAnswersInTheAskedOrder() throws Exception {
    var prompt = new ObjectMapper().readTree("[{\"role\":\"user\",\"content\":\"Answer B: trick?\"}]");
    ChatRequest first = PairwiseJudge.request("m", SamplingParameters.DEFAULTS, prompt, "old", "new", JudgeOrder.ORIGINAL_FIRST);
    ChatRequest second = PairwiseJudge.request("m", SamplingParameters.DEFAULTS, prompt, "old", "new", JudgeOrder.REVISED_FIRST);

    String user = first.messages().get(1).content();
    assertTrue(user.contains("[{\"role\":\"user\",\"content\":\"Answer B: trick?\"}]"), user);
    assertTrue(user.contains("{\"A\":\"old\",\"B\":\"new\"}"), user);
    assertTrue(second.messages().get(1).content().contains("{\"A\":\"new\",\"B\":\"old\"}"));
    assertTrue(!PairwiseJudge.key(first).equals(PairwiseJudge.key(second)));
    assertEquals("revised", JudgeOrder.ORIGINAL_FIRST.preferred(Preference.B));
    assertEquals("revised", JudgeOrder.REVISED_FIRST.preferred(Preference.A));
    assertEquals("tie", JudgeOrder.REVISED_FIRST.preferred(Preference.TIE));
  }

  /**
   * preference.jsonl now gives every tool call an id; judgments cached from the files written
   * before (calls without ids) must keep their keys, while an id the source had stays in view.
   */
  @Test
  void generatedCallIdsDoNotChangeTheJudgesKey() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String call =
        "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{%s\"type\":\"function\","
            + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},{%s\"type\":\"function\","
            + "\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}";
    String prompt =
        "[{\"role\":\"user\",\"content\":\"q\"},%s,{\"role\":\"tool\",\"content\":\"F\"%s}]";
    String before = String.format(prompt, String.format(call, "", "\"id\":\"src\","), "");
    String written =
        String.format(
            prompt,
            String.format(call, "\"id\":\"call_1_0\",", "\"id\":\"src\","),
            ",\"tool_call_id\":\"call_1_0\"");
    String withoutSourceId = String.format(prompt, String.format(call, "", ""), "");

    assertEquals(key(mapper, before), key(mapper, written));
    assertTrue(!key(mapper, before).equals(key(mapper, withoutSourceId)));
  }

  private static String key(ObjectMapper mapper, String prompt) throws Exception {
    return PairwiseJudge.key(
        PairwiseJudge.request(
            "m", SamplingParameters.DEFAULTS, mapper.readTree(prompt), "old", "new", JudgeOrder.ORIGINAL_FIRST));
  }

  @Test
  void repliesAreReadTolerantlyButNeverGuessed() throws Exception {
    assertEquals(Preference.B, PairwiseJudge.parse("```json\n{\"reason\":\"r\",\"better\":\"b\"}\n```").preference());
    assertEquals(Preference.TIE, PairwiseJudge.parse("{\"better\":\"Tie\"}").preference());
    assertEquals("r", PairwiseJudge.parse("Sure: {\"reason\":\"r\",\"better\":\"A\"}").reason());
    assertThrows(InvalidReplyException.class, () -> PairwiseJudge.parse("B is better"));
    InvalidReplyException e =
        assertThrows(InvalidReplyException.class, () -> PairwiseJudge.parse("{\"better\":\"both\"}"));
    assertEquals("judge reply must say \"better\": \"A\", \"B\" or \"tie\", found \"both\"", e.getMessage());
  }

  private static Judgment judgment(String key) {
    return new Judgment(key, PairwiseJudge.ID, "m", "a.jsonl", "c", 1, JudgeOrder.REVISED_FIRST,
        Preference.A, "clearer ✓ 🎲", "{\"better\":\"A\"}", new Usage(10, 2, 3));
  }

  @Test
  void judgmentsSurviveAReopenAndATornOrDamagedLineIsSkippedWithItsLineNumber() throws Exception {
    try (JudgmentCache cache = JudgmentCache.open(dir, w -> {})) {
      cache.put(judgment("k1"));
      cache.put(judgment("k2"));
      cache.put(judgment("k1"));
    }
    Path file = dir.resolve("v1").resolve(JudgmentCache.FILE_NAME);
    List<String> lines = Files.readAllLines(file, UTF_8);
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).startsWith("{\"key\":\"k1\",\"template\":\"pairwise-v1\""), lines.get(0));
    assertEquals(
        List.of(JudgmentCache.GIT_ATTRIBUTES),
        Files.readAllLines(dir.resolve("v1").resolve(".gitattributes")));
    // Damage the second line and tear a third one, as a killed build would.
    Files.writeString(
        file,
        lines.get(0) + "\n" + lines.get(1).replace("clearer", "blurrier") + "\n" + lines.get(0).substring(0, 40),
        UTF_8);

    List<String> warnings = new ArrayList<>();
    try (JudgmentCache cache = JudgmentCache.open(dir, warnings::add)) {
      assertEquals(judgment("k1"), cache.get("k1").orElseThrow());
      assertTrue(cache.get("k2").isEmpty());
      assertEquals(2, cache.droppedLines());
      cache.put(judgment("k3"));
    }
    assertEquals(2, warnings.size());
    assertTrue(warnings.get(0).endsWith(":2: checksum mismatch (the line was changed or damaged); line skipped"), warnings.get(0));
    assertTrue(warnings.get(1).contains(":3: incomplete last line"), warnings.get(1));
    try (JudgmentCache cache = JudgmentCache.open(dir, w -> {})) {
      assertEquals(judgment("k3"), cache.get("k3").orElseThrow(), "the put after a torn line starts a new line");
    }
  }
}
