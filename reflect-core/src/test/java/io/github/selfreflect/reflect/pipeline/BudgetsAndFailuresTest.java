package io.github.selfreflect.reflect.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.llm.AdaptiveRateLimiter;
import io.github.selfreflect.reflect.llm.Pricing;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets stop a run without losing what it paid for; failures beyond the tolerance fail it. */
class BudgetsAndFailuresTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static RunLimits limits(long maxRequests, long maxTokens, BudgetAction onBudget, String maxFailures) {
    return new RunLimits(
        AdaptiveRateLimiter.Caps.NONE, maxRequests, maxTokens, onBudget,
        FailureThreshold.parse(maxFailures), null);
  }

  @Test
  void maxRequestsStopsSendingKeepsTheRepliesAndTheNextRunResumes(@TempDir Path tmp)
      throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 20);
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      ReflectFailureException e =
          assertThrows(
              ReflectFailureException.class,
              () -> fixture.pipeline(server, 2, limits(5, 0, BudgetAction.FAIL, "0")).run());
      assertTrue(
          e.getMessage().startsWith("Budget reached (reflect.maxRequests=5 reached): 15 of 20"
              + " targets remain"),
          e.getMessage());
      assertEquals(5, server.requestCount(), "never more requests than the budget");
      assertEquals(5, fixture.cachedLines(), "every reply received is cached");
      assertEquals(5, e.summary().reflected());
      assertFalse(Files.exists(fixture.output().resolve("manifest.json")), "no dataset written");
    }
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunSummary resumed = fixture.pipeline(server, 2, RunLimits.DEFAULT).run();
      assertEquals(15, server.requestCount(), "only what was left is sent");
      assertEquals(5, resumed.cached());
      assertEquals(15, resumed.reflected());
    }
  }

  @Test
  void onBudgetPartialWritesTheDatasetOfWhatIsThere(@TempDir Path tmp) throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 10);
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunSummary summary =
          fixture.pipeline(server, 1, limits(4, 0, BudgetAction.PARTIAL, "0")).run();
      assertEquals(4, summary.reflected());
      assertEquals(6, summary.skipped());
      assertEquals(4, lines(fixture.output().resolve("sft.jsonl")).size());
      assertTrue(
          fixture.warnings.stream().anyMatch(w -> w.contains("6 of 10 targets remain")),
          fixture.warnings.toString());
    }
  }

  @Test
  void maxTokensStopsBeforeTheBudgetIsOverrun(@TempDir Path tmp) throws Exception {
    long whole;
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunSummary all = new PipelineFixture(tmp.resolve("all"), 20)
          .pipeline(server, 2, RunLimits.DEFAULT).run();
      whole = all.usage().promptTokens() + all.usage().completionTokens();
    }
    PipelineFixture fixture = new PipelineFixture(tmp.resolve("budget"), 20);
    long budget = whole / 2;
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      ReflectFailureException e =
          assertThrows(
              ReflectFailureException.class,
              () -> fixture.pipeline(server, 2, limits(0, budget, BudgetAction.FAIL, "0")).run());
      assertTrue(e.getMessage().contains("reflect.maxTokens=" + budget + " reached"), e.getMessage());
      long spent = e.summary().usage().promptTokens() + e.summary().usage().completionTokens();
      assertTrue(spent > 0 && spent <= budget, "spent " + spent);
      assertTrue(e.summary().reflected() > 0 && e.summary().reflected() < 20);
      assertEquals(e.summary().reflected(), fixture.cachedLines());
    }
  }

  @Test
  void failuresBeyondMaxFailuresFailTheBuildAfterEverySuccessIsCached(@TempDir Path tmp)
      throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 10);
    for (String threshold : List.of("0", "1", "10%")) {
      try (FakeLlmServer server = failingTwo()) {
        ReflectFailureException e =
            assertThrows(
                ReflectFailureException.class,
                () -> fixture.pipeline(server, 4, limits(0, 0, BudgetAction.FAIL, threshold)).run(),
                threshold);
        assertTrue(e.getMessage().startsWith("2 targets failed, more than reflect.maxFailures"),
            e.getMessage());
        assertEquals(8, fixture.cachedLines());
        List<String> failures = lines(fixture.output().resolve("failures.jsonl"));
        assertEquals(2, failures.size());
        assertTrue(failures.get(0).contains("after 3 attempts"), failures.get(0));
      }
    }
  }

  @Test
  void failuresWithinMaxFailuresPassWithAWarning(@TempDir Path tmp) throws Exception {
    for (String threshold : List.of("2", "20%")) {
      PipelineFixture fixture = new PipelineFixture(tmp.resolve(threshold.replace('%', 'p')), 10);
      try (FakeLlmServer server = failingTwo()) {
        RunSummary summary =
            fixture.pipeline(server, 4, limits(0, 0, BudgetAction.FAIL, threshold)).run();
        assertEquals(8, summary.reflected());
        assertEquals(2, summary.failed());
        assertEquals(2, lines(fixture.output().resolve("failures.jsonl")).size());
        assertTrue(
            fixture.warnings.stream()
                .anyMatch(w -> w.equals("2 targets failed, within reflect.maxFailures=" + threshold
                    + "; see failures.jsonl")),
            fixture.warnings.toString());
      }
    }
  }

  /**
   * failures.jsonl and report.html ship with the dataset, whose card promises no host name or
   * local path: a target that failed after every retry is published with fixed words, the
   * status and the attempts; where it went and what the network said is for the build log.
   */
  @Test
  void failureReasonsThatShipNameNoEndpointWhileTheLogKeepsTheDetail(@TempDir Path tmp)
      throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 5);
    List<String> ks = PipelineFixture.ks(5);
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      // QUICK allows 4 attempts a request; the seed template 3 replies a target.
      for (int i = 0; i < 4; i++) {
        server.enqueueFaultFor(ks.get(0), Fault.connectionReset());
        server.enqueueFaultFor(ks.get(1), Fault.status(503));
        server.enqueueFaultFor(ks.get(2), Fault.disconnectMidBody());
      }
      for (int i = 0; i < 3; i++) {
        server.enqueueFaultFor(ks.get(3), Fault.contentNotJson());
      }

      RunSummary summary =
          fixture.pipeline(server, 2, limits(0, 0, BudgetAction.FAIL, "100%")).run();

      assertEquals(4, summary.failed());
      assertEquals(1, summary.reflected());
      String failuresText =
          Files.readString(fixture.output().resolve("failures.jsonl"), StandardCharsets.UTF_8);
      List<String> reasons = new java.util.ArrayList<>();
      for (String line : failuresText.split("\n")) {
        reasons.add(MAPPER.readTree(line).get("reason").asText());
      }
      assertEquals("connection failed after 4 attempts", reasons.get(0));
      assertEquals("http 503 (server_error) after 4 attempts", reasons.get(1));
      assertEquals("response cut short after 4 attempts", reasons.get(2));
      assertEquals(
          "reply not valid: reply is not JSON: no JSON object in it: 'Sure! Here is my"
              + " critique: the answer was fine.' (after 3 attempts)",
          reasons.get(3));

      String report =
          Files.readString(fixture.output().resolve("report.html"), StandardCharsets.UTF_8);
      assertTrue(report.contains("http 503 (server_error) after 4 attempts"), "the report says why");
      for (String published : List.of(failuresText, report)) {
        for (String detail :
            List.of("127.0.0.1", "localhost", ":" + server.port(), "/chat/completions",
                "Exception")) {
          assertFalse(published.contains(detail), detail + " published");
        }
      }
      // (The report's own script names the SVG namespace, an http URL, so only here.)
      assertFalse(failuresText.contains("http://"), failuresText);
      assertFalse(failuresText.contains(Integer.toString(server.port())), failuresText);

      // The build log still says where the requests went and what came back.
      String log = String.join("\n", fixture.warnings);
      String endpoint = "POST " + server.baseUrl() + "/chat/completions failed after 4 attempts";
      assertTrue(log.contains(endpoint + "; last: IOException"), log);
      assertTrue(
          log.contains(endpoint + "; last: returned 503: The engine is currently overloaded"), log);
      assertTrue(log.contains(endpoint + "; last: returned 200 but the body failed"), log);
    }
  }

  @Test
  void usageIsSummedAndPricedInTheManifest(@TempDir Path tmp) throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 3);
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunLimits priced =
          new RunLimits(
              AdaptiveRateLimiter.Caps.NONE, 0, 0, BudgetAction.FAIL, FailureThreshold.NONE,
              Pricing.parse("2.50,1.25,10.00"));
      RunSummary summary = fixture.pipeline(server, 2, priced).run();
      assertTrue(summary.usage().promptTokens() > 0);
      assertEquals(summary.usage(), summary.datasetUsage(), "no retries: the run paid the dataset");
      String manifest = Files.readString(fixture.output().resolve("manifest.json"));
      assertTrue(manifest.contains("\"promptTokens\": " + summary.usage().promptTokens()), manifest);
      assertTrue(
          manifest.contains("\"cost\": " + priced.pricing().cost(summary.usage()).toPlainString()),
          manifest);
    }
  }

  /** A server whose replies for the first two targets are never usable. */
  private static FakeLlmServer failingTwo() throws Exception {
    FakeLlmServer server = new FakeLlmServer().start();
    for (String k : PipelineFixture.ks(2)) {
      for (int i = 0; i < 3; i++) {
        server.enqueueFaultFor(k, Fault.contentNotJson());
      }
    }
    return server;
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

}
