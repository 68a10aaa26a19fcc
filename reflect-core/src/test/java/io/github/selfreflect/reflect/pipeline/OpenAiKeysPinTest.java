package io.github.selfreflect.reflect.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.evaluate.JudgeOrder;
import io.github.selfreflect.reflect.evaluate.PairwiseJudge;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache keys of the OpenAI path, computed as {@code reflect:generate} computes them (through
 * the corpus pass, with the planned response format, sampling and window) and as {@code
 * reflect:evaluate} computes a judgment's. Every committed cache of every user is addressed by
 * these keys: a change of the request path that moved one would make them all pay again.
 *
 * <p>The literals were computed by this test against main at 8747ffc, before the request path
 * became one engine with a provider seam, and must never move.
 */
class OpenAiKeysPinTest {

  private static final String CORPUS = "sharegpt/axolotl-conversation.json";

  @TempDir Path dir;

  @Test
  void hindsightKeysWithTheirPlannedJsonSchemaStayTheSame() throws Exception {
    assertEquals(
        "e1a1fddbe1fe9e0e52bd1319ebb48585f4376285c950c4b0d4d7e59ea91628a0",
        digestOfKeys("hindsight", b -> b));
  }

  @Test
  void hindsightKeysWithSamplingAndPromptModeStayTheSame() throws Exception {
    assertEquals(
        "db426804eb82dbf50e1ed3211d9108cdccfd5a9dcc2347cd79e423a632a01a08",
        digestOfKeys(
            "hindsight",
            b -> b.sampling(new SamplingParameters(0.2, 900)).structuredOutput(StructuredOutput.PROMPT)));
  }

  @Test
  void seedKeysWithAWindowStayTheSame() throws Exception {
    assertEquals(
        "76548c5cd40055b6684d762f8ce692fee82ef934d64b4b1d5cd1169adffc0251",
        digestOfKeys("seed", b -> b.window(1)));
  }

  @Test
  void judgeKeysStayTheSame() throws Exception {
    var prompt =
        new ObjectMapper()
            .readTree(
                "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":\"Flip a 3-sided coin\"}]");
    List<String> keys = new ArrayList<>();
    for (JudgeOrder order : JudgeOrder.values()) {
      ChatRequest request =
          PairwiseJudge.request(
              "gpt-4o", new SamplingParameters(0.0, null), prompt, "Heads!", "Let me simulate it: 2.", order);
      keys.add(PairwiseJudge.key(request));
    }
    assertEquals(
        "bec322932ef9abf7eb5824ff31fb0364d7025b337e8a568461e0fbf211185efb",
        CacheKeys.sha256Hex(String.join("\n", keys)));
  }

  /** The SHA-256 of every target's key, one a line, in corpus order. */
  private String digestOfKeys(String template, UnaryOperator<ReflectRequest.Builder> settings)
      throws Exception {
    Path chats = Files.createDirectories(dir.resolve("chats"));
    Files.copy(
        Path.of(getClass().getResource("/corpus/" + CORPUS).toURI()), chats.resolve("conversation.json"));
    ReflectRequest request =
        settings
            .apply(
                ReflectRequest.builder(
                    chats, dir.resolve("out"), dir.resolve("cache"), PromptTemplates.byId(template), "gpt-4o-mini"))
            .build();
    List<String> keys = new ArrayList<>();
    new CorpusTargets(request.corpus())
        .forEachTarget(
            InvalidRecordHandler.FAIL,
            new ReflectPipeline.TargetVisitor() {
              @Override
              public void target(Target target, ChatRequest chatRequest, String key) {
                keys.add(key);
              }
            });
    assertEquals(true, keys.size() > 3, "the corpus has several targets: " + keys.size());
    return CacheKeys.sha256Hex(String.join("\n", keys));
  }
}
