package io.github.selfreflect.reflect.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.AdaptiveRateLimiter;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.pipeline.BudgetAction;
import io.github.selfreflect.reflect.pipeline.FailureThreshold;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunLimits;
import io.github.selfreflect.reflect.pipeline.RunProgress;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reflect:evaluate} keeps budgets as {@code generate} does: {@code reflect.maxRequests} and
 * {@code reflect.maxTokens} stop sending, {@code reflect.onBudget} says whether that fails the run
 * or evaluates what was judged, the judgments received are cached, and the next run resumes. It
 * also reports progress and what it sent.
 */
class EvaluatorBudgetTest {

  @TempDir Path work;
  private Path dataset;
  private Path cache;

  /** Six conversations, one target each, reflected by the fake LLM: six pairs, twelve judgments. */
  @BeforeEach
  void generate() throws Exception {
    Path chats = Files.createDirectories(work.resolve("chats"));
    StringBuilder lines = new StringBuilder();
    for (String topic : List.of("tea", "bikes", "rust", "tax", "bread", "owls")) {
      lines.append(
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about " + topic
              + ".\"},{\"role\":\"assistant\",\"content\":\"No.\"},{\"role\":\"user\",\"content\":\"Rude.\"}]}\n");
    }
    Files.writeString(chats.resolve("logs.jsonl"), lines);
    dataset = work.resolve("out");
    cache = work.resolve("cache");
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      new ReflectPipeline(
              ReflectRequest.builder(chats, dataset, cache, PromptTemplates.byId("seed"), FakeLlmServer.DEFAULT_MODEL)
                  .maxReplyAttempts(1)
                  .generatorVersion("test")
                  .build(),
              gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build(),
              ReflectListener.SILENT)
          .run();
    }
  }

  private EvaluateRequest request(long maxRequests, BudgetAction onBudget) {
    return new EvaluateRequest(
            dataset, cache, "judge-model", SamplingParameters.DEFAULTS, 200, 1, OfflineMode.OFF, 1, 2)
        .withLimits(
            new RunLimits(AdaptiveRateLimiter.Caps.NONE, maxRequests, 0, onBudget, FailureThreshold.NONE, null));
  }

  private Evaluator evaluator(FakeLlmServer server, EvaluateRequest request, ReflectListener listener) {
    return new Evaluator(
        request,
        gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build(),
        listener);
  }

  @Test
  void aSpentRequestBudgetFailsTheRunAndTheNextRunResumes() throws Exception {
    try (FakeLlmServer server = new FakeLlmServer(EvaluatorTest.judge(EvaluatorTest.SENSIBLE)).start()) {
      Evaluator first = evaluator(server, request(5, BudgetAction.FAIL), ReflectListener.SILENT);

      EvaluationFailureException e = assertThrows(EvaluationFailureException.class, first::run);

      assertEquals(5, server.requestCount(), "no request past the budget");
      assertTrue(e.getMessage().startsWith("Budget reached (reflect.maxRequests=5 reached): 7 of 12"), e.getMessage());
      assertTrue(e.getMessage().contains("reflect.onBudget=partial"), e.getMessage());
      assertFalse(Files.exists(dataset.resolve(EvaluationJson.FILE_NAME)), "nothing written");
      assertEquals(new EvaluationRun(12, 0, 5, 0, 5, 0, 0, first.lastRun().usage()), first.lastRun());

      Evaluator second = evaluator(server, request(0, BudgetAction.FAIL), ReflectListener.SILENT);
      EvaluationResult result = second.run();

      assertEquals(12, server.requestCount(), "the five cached judgments are not asked again");
      assertEquals(6, result.wins());
      assertEquals(5, second.lastRun().cached());
      assertEquals(7, second.lastRun().judged());
    }
  }

  @Test
  void onBudgetPartialEvaluatesTheJudgedPairsOnly() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    List<RunProgress> progress = new CopyOnWriteArrayList<>();
    ReflectListener listener =
        new ReflectListener() {
          @Override
          public void info(String message) {}

          @Override
          public void warn(String message) {
            warnings.add(message);
          }

          @Override
          public void progress(RunProgress p) {
            progress.add(p);
          }
        };
    try (FakeLlmServer server = new FakeLlmServer(EvaluatorTest.judge(EvaluatorTest.SENSIBLE)).start()) {
      EvaluationResult result = evaluator(server, request(4, BudgetAction.PARTIAL), listener).run();

      assertEquals(4, server.requestCount());
      assertEquals(2, result.pairs(), "two pairs have both orders judged (one request in flight at a time)");
      assertEquals(4, result.unjudged());
      assertTrue(warnings.stream().anyMatch(w -> w.contains("evaluating the judged pairs only (onBudget=partial)")), warnings.toString());
      assertTrue(Files.exists(dataset.resolve(EvaluationJson.FILE_NAME)));
      RunProgress last = progress.get(progress.size() - 1);
      assertEquals(12, last.targets());
      assertEquals(4, last.reflected(), "the last progress report counts what was judged");
      assertEquals(4, last.requests());
    }
  }

  @Test
  void aTokenBudgetStopsTheJudgeToo() throws Exception {
    try (FakeLlmServer server = new FakeLlmServer(EvaluatorTest.judge(EvaluatorTest.SENSIBLE)).start()) {
      EvaluateRequest request =
          request(0, BudgetAction.FAIL)
              .withLimits(
                  new RunLimits(AdaptiveRateLimiter.Caps.NONE, 0, 1, BudgetAction.FAIL, FailureThreshold.NONE, null));

      EvaluationFailureException e =
          assertThrows(EvaluationFailureException.class, evaluator(server, request, ReflectListener.SILENT)::run);

      assertEquals(0, server.requestCount(), "a request's estimate alone is over a budget of one token");
      assertTrue(e.getMessage().contains("reflect.maxTokens=1 reached"), e.getMessage());
    }
  }
}
