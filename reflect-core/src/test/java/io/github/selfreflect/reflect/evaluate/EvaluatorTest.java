package io.github.selfreflect.reflect.evaluate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.dataset.DatasetArchive;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String JUDGE = "judge-model";

  @TempDir Path work;
  private Path dataset;
  private Path cache;

  /** Five conversations, one target each, reflected by the fake LLM's default replies. */
  @BeforeEach
  void generate() throws Exception {
    Path chats = Files.createDirectories(work.resolve("chats"));
    StringBuilder lines = new StringBuilder();
    for (String topic : List.of("tea", "bikes", "rust", "tax", "bread")) {
      lines.append(
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about "
              + topic
              + ".\"},{\"role\":\"assistant\",\"content\":\"No.\"},{\"role\":\"user\",\"content\":\"Rude.\"}]}\n");
    }
    Files.writeString(chats.resolve("logs.jsonl"), lines);
    dataset = work.resolve("out");
    cache = work.resolve("cache");
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      new ReflectPipeline(
              ReflectRequest.builder(
                      chats, dataset, cache, PromptTemplates.byId("seed"), FakeLlmServer.DEFAULT_MODEL)
                  .concurrency(2)
                  .maxReplyAttempts(1)
                  .generatorVersion("test")
                  .build(),
              gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build(),
              ReflectListener.SILENT)
          .run();
    }
  }

  /** The two candidate answers of a judge request: [A, B]. */
  static String[] answers(JsonNode body) {
    String user = body.at("/messages/1/content").asText();
    int start = user.indexOf("Candidate answers to the last user message:\n");
    int end = user.indexOf("\n\nWhich answer is better?");
    try {
      JsonNode answers = MAPPER.readTree(user.substring(start + 44, end));
      return new String[] {answers.get("A").asText(), answers.get("B").asText()};
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A judge that prefers whichever answer {@code better} picks from (A, B). */
  static Function<JsonNode, String> judge(Function<String[], String> better) {
    return body -> {
      assertTrue(body.at("/messages/0/content").asText().startsWith("You are an impartial judge"));
      return "```json\n{\"reason\": \"because\", \"better\": \"" + better.apply(answers(body)) + "\"}\n```";
    };
  }

  /** Prefers the fake reflector's answer ("A better answer to ..."), wherever it stands. */
  static final Function<String[], String> SENSIBLE = ab -> ab[0].startsWith("A better answer") ? "A" : "B";

  private EvaluateRequest request(int sample, long seed, OfflineMode offline) {
    return new EvaluateRequest(dataset, cache, JUDGE, SamplingParameters.DEFAULTS, sample, seed, offline, 2, 2);
  }

  private EvaluationResult evaluate(FakeLlmServer server, int sample, long seed) throws Exception {
    return new Evaluator(
            request(sample, seed, OfflineMode.OFF),
            gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build(),
            ReflectListener.SILENT)
        .run();
  }

  @Test
  void cancellingSendsNothingMoreKeepsEveryJudgmentInFlightAndWritesNothing() throws Exception {
    AtomicReference<Evaluator> running = new AtomicReference<>();
    Function<JsonNode, String> sensible = judge(SENSIBLE);
    int sentBeforeRerun;
    try (FakeLlmServer server =
        new FakeLlmServer(
                body -> {
                  running.get().cancel(); // Ctrl-C while this request is in flight
                  return sensible.apply(body);
                })
            .start()) {
      Evaluator evaluator =
          new Evaluator(
              request(200, 7, OfflineMode.OFF),
              gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build(),
              ReflectListener.SILENT);
      running.set(evaluator);

      EvaluationFailureException e = assertThrows(EvaluationFailureException.class, evaluator::run);

      sentBeforeRerun = server.requestCount();
      assertTrue(e.getMessage().startsWith("Cancelled: "), e.getMessage());
      assertTrue(
          e.getMessage().contains((10 - sentBeforeRerun) + " of 10 judge requests not sent"),
          e.getMessage() + " (" + sentBeforeRerun + " sent)");
      assertTrue(sentBeforeRerun >= 1 && sentBeforeRerun <= 2, "at most one per thread: " + sentBeforeRerun);
      assertTrue(evaluator.awaitFinished(java.time.Duration.ZERO));
      assertTrue(Files.notExists(dataset.resolve("evaluation.json")), "nothing written");
    }
    try (FakeLlmServer server = new FakeLlmServer(judge(SENSIBLE)).start()) {
      EvaluationResult result = evaluate(server, 200, 7);

      assertEquals(10 - sentBeforeRerun, server.requestCount(), "the judgments in flight were cached");
      assertEquals(5, result.wins());
    }
  }

  @Test
  void aJudgeThatPrefersTheRevisionInBothOrdersGivesWinsAndTheOutputsSaySo() throws Exception {
    try (FakeLlmServer server = new FakeLlmServer(judge(SENSIBLE)).start()) {
      EvaluationResult result = evaluate(server, 200, 7);

      assertEquals(10, server.requestCount(), "5 pairs, 2 orders each");
      assertEquals(5, result.wins());
      assertEquals(0, result.ties() + result.losses());
      assertEquals(
          "revised answers preferred in 100.0% (95% CI 56.6% to 100.0%) of 5 pairs, judged by judge-model",
          result.headline());
    }
    JsonNode evaluation = MAPPER.readTree(dataset.resolve("evaluation.json").toFile());
    assertEquals(5, evaluation.get("wins").asInt());
    assertEquals(1.0, evaluation.get("winRate").asDouble());
    assertEquals(0.5655, evaluation.at("/confidenceInterval/low").asDouble());
    assertEquals(7, evaluation.at("/sample/seed").asLong());
    assertEquals(JUDGE, evaluation.at("/judge/model").asText());
    assertEquals(3.0, evaluation.at("/meanLength/original").asDouble(), "\"No.\"");
    assertTrue(evaluation.at("/meanLength/revised").asDouble() > 50);
    assertEquals("win", evaluation.at("/judgments/0/outcome").asText());

    JsonNode manifest = MAPPER.readTree(dataset.resolve("manifest.json").toFile());
    assertEquals(evaluation.get("headline"), manifest.at("/evaluation/headline"));
    byte[] evaluationBytes = Files.readAllBytes(dataset.resolve("evaluation.json"));
    assertEquals(evaluationBytes.length, manifest.at("/files/evaluation.json/bytes").asLong());
    assertEquals(Files.size(dataset.resolve("report.html")), manifest.at("/files/report.html/bytes").asLong());
    assertTrue(
        Files.readString(dataset.resolve("report.html"), UTF_8)
            .contains("id=\"reflect-evaluation\">{\"formatVersion\":1,"));
    assertEquals(1, manifest.findValuesAsText("headline").size(), "one headline");

    // A second run is answered from the judgment cache and writes the same bytes.
    try (FakeLlmServer server = new FakeLlmServer(judge(SENSIBLE)).start()) {
      evaluate(server, 200, 7);
      assertEquals(0, server.requestCount());
    }
    assertEquals(new String(evaluationBytes, UTF_8), Files.readString(dataset.resolve("evaluation.json"), UTF_8));
  }

  @Test
  void aJudgeThatAlwaysPicksTheFirstPositionGivesOnlyTies() throws Exception {
    try (FakeLlmServer server = new FakeLlmServer(judge(ab -> "A")).start()) {
      EvaluationResult result = evaluate(server, 200, 1);

      assertEquals(5, result.ties(), "the orders disagree on every pair");
      assertEquals(0.0, result.winRate());
      assertEquals("tie", result.outcomes().get(0).outcome());
      assertEquals("original", result.outcomes().get(0).originalFirst());
      assertEquals("revised", result.outcomes().get(0).revisedFirst());
    }
  }

  @Test
  void bothOrdersPreferringTheOriginalIsALoss() throws Exception {
    // Prefers the original for "tax" only.
    Function<String[], String> picky =
        ab -> {
          boolean tax = (ab[0] + ab[1]).contains("tax");
          String revisedSide = SENSIBLE.apply(ab);
          return tax ? (revisedSide.equals("A") ? "B" : "A") : revisedSide;
        };
    try (FakeLlmServer server = new FakeLlmServer(judge(picky)).start()) {
      EvaluationResult result = evaluate(server, 200, 1);

      assertEquals(4, result.wins());
      assertEquals(1, result.losses());
      assertEquals(0.8, result.winRate());
    }
  }

  @Test
  void theSampleIsSeededAndBounded() throws Exception {
    DatasetPairs.Sample a = DatasetPairs.draw(dataset, 2, 1);
    DatasetPairs.Sample again = DatasetPairs.draw(dataset, 2, 1);
    assertEquals(5, a.eligible());
    assertEquals(2, a.pairs().size());
    assertEquals(a.pairs(), again.pairs());
    boolean anotherSeedDiffers = false;
    for (long seed = 2; seed < 20 && !anotherSeedDiffers; seed++) {
      anotherSeedDiffers = !DatasetPairs.draw(dataset, 2, seed).pairs().equals(a.pairs());
    }
    assertTrue(anotherSeedDiffers, "the seed changes which pairs are drawn");

    try (FakeLlmServer server = new FakeLlmServer(judge(SENSIBLE)).start()) {
      EvaluationResult result = evaluate(server, 2, 1);
      assertEquals(4, server.requestCount());
      assertEquals(2, result.pairs());
    }
  }

  @Test
  void offlineWithoutCachedJudgmentsFailsListingThemAndPartialJudgesWhatIsCached() throws Exception {
    AtomicInteger built = new AtomicInteger();
    EvaluationFailureException e =
        assertThrows(
            EvaluationFailureException.class,
            () ->
                new Evaluator(
                        request(200, 1, OfflineMode.STRICT),
                        gate -> {
                          built.incrementAndGet();
                          return null;
                        },
                        ReflectListener.SILENT)
                    .run());
    assertTrue(e.getMessage().startsWith("10 of 10 judgments are not cached and the build is offline:"), e.getMessage());
    assertTrue(e.getMessage().contains("logs.jsonl"), e.getMessage());
    assertEquals(0, built.get(), "offline never builds a client");

    try (FakeLlmServer server = new FakeLlmServer(judge(SENSIBLE)).start()) {
      evaluate(server, 2, 1); // caches two of the five pairs
    }
    EvaluationResult partial =
        new Evaluator(request(200, 1, OfflineMode.PARTIAL), gate -> null, ReflectListener.SILENT).run();
    assertEquals(2, partial.pairs());
    assertEquals(3, partial.unjudged());
  }

  @Test
  void anUnusableReplyIsAskedAgainAndAFailureIsReportedAfterTheResultsAreWritten() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Function<JsonNode, String> flaky =
        body -> {
          String[] ab = answers(body);
          if ((ab[0] + ab[1]).contains("bread")) {
            return "I think B is nicer."; // never JSON
          }
          return calls.incrementAndGet() == 1 ? "{\"better\": \"maybe\"}" : judge(SENSIBLE).apply(body);
        };
    try (FakeLlmServer server = new FakeLlmServer(flaky).start()) {
      EvaluationFailureException e =
          assertThrows(EvaluationFailureException.class, () -> evaluate(server, 200, 1));
      assertTrue(e.getMessage().startsWith("2 judgments failed"), e.getMessage());
      assertEquals(13, server.requestCount(), "8 judged, one of them twice; 2 x 2 attempts for bread");
    }
    JsonNode evaluation = MAPPER.readTree(dataset.resolve("evaluation.json").toFile());
    assertEquals(4, evaluation.get("wins").asInt());
    assertEquals(1, evaluation.get("unjudged").asInt());
  }

  @Test
  void aNewDatasetRemovesTheOldEvaluation() throws Exception {
    try (FakeLlmServer server = new FakeLlmServer(judge(SENSIBLE)).start()) {
      evaluate(server, 200, 1);
    }
    assertTrue(Files.exists(dataset.resolve("evaluation.json")));
    generate();
    assertTrue(Files.notExists(dataset.resolve("evaluation.json")));
    assertTrue(MAPPER.readTree(dataset.resolve("manifest.json").toFile()).path("evaluation").isMissingNode());
  }

  @Test
  void theCardCarriesTheHeadlineAndTheArchivePacksTheEvaluationAndTheReport() throws Exception {
    EvaluationResult result;
    try (FakeLlmServer server = new FakeLlmServer(judge(SENSIBLE)).start()) {
      result = evaluate(server, 200, 1);
    }
    String card = Files.readString(dataset.resolve("README.md"), UTF_8);
    assertTrue(card.contains("\n## Evaluation\n"), card);
    assertTrue(card.contains(result.headline()), card);
    assertTrue(card.indexOf("## Evaluation") > card.indexOf("## Provenance"), card);

    Path zip = work.resolve("dataset.zip");
    DatasetArchive.write(dataset, zip, Instant.EPOCH); // checks every listed file's digest
    List<String> entries = new ArrayList<>();
    try (ZipFile archive = new ZipFile(zip.toFile())) {
      archive.stream().map(ZipEntry::getName).forEach(entries::add);
      assertEquals(
          card,
          new String(archive.getInputStream(archive.getEntry("README.md")).readAllBytes(), UTF_8));
    }
    assertTrue(entries.containsAll(List.of("evaluation.json", "report.html", "manifest.json")), entries.toString());
  }
}
