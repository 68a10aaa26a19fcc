package io.github.selfreflect.reflect.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache.CompactionResult;
import io.github.selfreflect.reflect.dataset.DatasetCard;
import io.github.selfreflect.reflect.dataset.DatasetCardWriter;
import io.github.selfreflect.reflect.dataset.DatasetFormat;
import io.github.selfreflect.reflect.dataset.DatasetWriter;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.RequestGate;
import java.util.function.Function;
import io.github.selfreflect.reflect.llm.TokenEstimator;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.report.ReportWriter;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelinePassesTest {

  @TempDir Path dir;

  private FakeLlmServer server;
  private final List<String> warnings = new ArrayList<>();

  private final ReflectListener listener =
      new ReflectListener() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {
          warnings.add(message);
        }
      };

  @BeforeEach
  void startServer() throws IOException {
    server = new FakeLlmServer().start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** One conversation of {@code exchanges} user/assistant pairs and a closing user message. */
  private static String conversation(String id, int exchanges) {
    StringBuilder json = new StringBuilder("{\"id\": \"" + id + "\", \"messages\": [");
    for (int i = 1; i <= exchanges; i++) {
      json.append("{\"role\": \"user\", \"content\": \"").append(id).append(" question ").append(i)
          .append("\"}, {\"role\": \"assistant\", \"content\": \"").append(id).append(" answer ")
          .append(i).append("\"}, ");
    }
    return json.append("{\"role\": \"user\", \"content\": \"").append(id).append(" thanks\"}]}")
        .toString();
  }

  private void writeChats(String... lines) throws IOException {
    Path chats = dir.resolve("chats");
    Files.createDirectories(chats);
    Files.writeString(chats.resolve("logs.jsonl"), String.join("\n", lines) + "\n", UTF_8);
  }

  private ReflectRequest request(String out, OfflineMode offline, int window, String model) {
    return ReflectRequest.builder(
            dir.resolve("chats"), dir.resolve(out), dir.resolve("cache"),
            PromptTemplates.byId("seed"), model)
        .offline(offline)
        .concurrency(2)
        .maxReplyAttempts(2)
        .generatorVersion("test")
        .window(window)
        .build();
  }

  private RunSummary run(ReflectRequest request) throws Exception {
    Function<RequestGate, ChatModel> models =
        gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build();
    return new ReflectPipeline(request, models, listener).run();
  }

  private byte[] output(String out, String name) throws IOException {
    return Files.readAllBytes(dir.resolve(out).resolve(name));
  }

  @Test
  void aWarmBuildSendsNothingAndWritesTheColdBuildsBytes() throws Exception {
    writeChats(conversation("a", 2), conversation("b", 1));
    RunSummary cold = run(request("cold", OfflineMode.OFF, 0, "m"));
    assertEquals(3, cold.reflected());
    assertEquals(3, server.requestCount());

    RunSummary warm = run(request("warm", OfflineMode.STRICT, 0, "m"));
    assertEquals(3, warm.cached());
    assertEquals(0, warm.reflected());
    assertEquals(3, server.requestCount());
    for (String name : DatasetWriter.FILE_NAMES) {
      assertArrayEquals(output("cold", name), output("warm", name), name);
    }
    assertTrue(Files.exists(dir.resolve("warm").resolve("manifest.json")));
    assertEquals(List.of(), warnings);
  }

  /** A request writing only {@code formats}, with a cache snapshot in {@code <out>-snapshot}. */
  private ReflectRequest packaging(String out, OfflineMode offline, Set<DatasetFormat> formats) {
    return ReflectRequest.builder(
            dir.resolve("chats"), dir.resolve(out), dir.resolve("cache"),
            PromptTemplates.byId("seed"), "m")
        .offline(offline)
        .concurrency(2)
        .maxReplyAttempts(2)
        .generatorVersion("test")
        .dataset(new DatasetOptions(formats, DatasetCard.DEFAULT, dir.resolve(out + "-snapshot")))
        .build();
  }

  @Test
  void theOnePassWarmBuildWritesTheReleaseOutputsOfTheWritePass() throws Exception {
    // The write pass (cold) and the first pass (warm) are two code paths for one dataset: the
    // chosen formats, the card, the cache snapshot, and the manifest's sources and usage.
    writeChats(conversation("a", 2), conversation("b", 1));
    Set<DatasetFormat> formats = EnumSet.of(DatasetFormat.SFT, DatasetFormat.REFLECTIONS);
    RunSummary cold = run(packaging("cold", OfflineMode.OFF, formats));
    RunSummary warm = run(packaging("warm", OfflineMode.STRICT, formats));
    assertEquals(3, server.requestCount(), "the warm build sends nothing");
    assertEquals(3, warm.cached());

    assertTrue(cold.datasetUsage().completionTokens() > 0, cold.datasetUsage().toString());
    assertEquals(cold.datasetUsage(), warm.datasetUsage());
    for (String name : List.of(DatasetWriter.SFT, DatasetWriter.REFLECTIONS, DatasetWriter.FAILURES)) {
      assertArrayEquals(output("cold", name), output("warm", name), name);
    }
    assertFalse(Files.exists(dir.resolve("warm").resolve(DatasetWriter.PREFERENCE)), "not chosen");
    assertTrue(Files.exists(dir.resolve("warm").resolve(DatasetCardWriter.FILE_NAME)), "card");

    Path snapshot = Path.of("v" + JsonlReflectionCache.FORMAT_VERSION, JsonlReflectionCache.FILE_NAME);
    byte[] coldSnapshot = Files.readAllBytes(dir.resolve("cold-snapshot").resolve(snapshot));
    assertEquals(3, new String(coldSnapshot, UTF_8).lines().count());
    assertArrayEquals(coldSnapshot, Files.readAllBytes(dir.resolve("warm-snapshot").resolve(snapshot)));

    ObjectMapper json = new ObjectMapper();
    JsonNode coldManifest = json.readTree(output("cold", "manifest.json"));
    JsonNode warmManifest = json.readTree(output("warm", "manifest.json"));
    assertTrue(warmManifest.path("sources").has("logs.jsonl"), warmManifest.toString());
    assertEquals(coldManifest.get("sources"), warmManifest.get("sources"));
    assertEquals(coldManifest.get("usage"), warmManifest.get("usage"));
    assertEquals(coldManifest.get("files"), warmManifest.get("files"));
  }

  @Test
  void theOnePassWarmBuildFiltersAndReportsLikeTheWritePass() throws Exception {
    // A conversation copied into a second file: the duplicate filter keeps the first copy only,
    // which holds only if the one-pass writer sees the targets in corpus order, as the write pass
    // does. The report and the manifest's filter counts come out the same.
    writeChats(conversation("a", 2), conversation("b", 1));
    Files.writeString(dir.resolve("chats").resolve("more.jsonl"), conversation("a", 2) + "\n", UTF_8);
    RunSummary cold = run(request("cold", OfflineMode.OFF, 0, "m"));
    assertEquals(5, cold.reflected(), "counted per target written");
    assertEquals(3, server.requestCount(), "the copy is paid for once");
    RunSummary warm = run(request("warm", OfflineMode.STRICT, 0, "m"));
    assertEquals(5, warm.cached());
    assertEquals(3, server.requestCount(), "the warm build sends nothing");

    List<String> names = new ArrayList<>(DatasetWriter.FILE_NAMES);
    names.add(ReportWriter.FILE_NAME);
    for (String name : names) {
      assertArrayEquals(output("cold", name), output("warm", name), name);
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode coldManifest = json.readTree(output("cold", "manifest.json"));
    JsonNode warmManifest = json.readTree(output("warm", "manifest.json"));
    assertEquals(2, warmManifest.path("filters").path("excluded").path("duplicate").asInt(),
        warmManifest.toString());
    // Only what each build did differs: 3 reflected then 5 cached.
    for (JsonNode manifest : List.of(coldManifest, warmManifest)) {
      ((ObjectNode) manifest.get("counts"))
          .remove(List.of("cached", "reflected"));
    }
    assertEquals(coldManifest, warmManifest);
    assertEquals(3, new String(output("warm", DatasetWriter.SFT), UTF_8).lines().count(),
        "a's two targets and b's one train; the copies of a's do not");
  }

  @Test
  void aWarmBuildThatFailsHalfwayLeavesNoSnapshotBehind() throws Exception {
    writeChats(conversation("a", 2));
    Set<DatasetFormat> formats = DatasetFormat.all();
    run(packaging("first", OfflineMode.OFF, formats));
    writeChats(conversation("a", 2), conversation("b", 1));

    assertThrows(
        ReflectFailureException.class, () -> run(packaging("strict", OfflineMode.STRICT, formats)));
    Path snapshot = dir.resolve("strict-snapshot").resolve("v" + JsonlReflectionCache.FORMAT_VERSION);
    try (var files = Files.list(snapshot)) {
      assertEquals(List.of(), files.toList(), "the discarded first pass removes its partial snapshot");
    }
    assertFalse(Files.exists(dir.resolve("strict").resolve(DatasetCardWriter.FILE_NAME)));
  }

  @Test
  void offlinePartialWritesTheCachedPartFromTheFirstPass() throws Exception {
    writeChats(conversation("a", 2));
    run(request("first", OfflineMode.OFF, 0, "m"));
    writeChats(conversation("a", 2), conversation("b", 3));

    RunSummary partial = run(request("partial", OfflineMode.PARTIAL, 0, "m"));
    assertEquals(2, partial.cached());
    assertEquals(3, partial.skipped());
    assertEquals(2, server.requestCount());
    assertArrayEquals(output("first", "sft.jsonl"), output("partial", "sft.jsonl"));

    ReflectFailureException strict =
        assertThrows(ReflectFailureException.class, () -> run(request("strict", OfflineMode.STRICT, 0, "m")));
    assertTrue(strict.getMessage().startsWith("3 of 5 targets have no cached reflection"), strict.getMessage());
    assertFalse(Files.exists(dir.resolve("strict").resolve("sft.jsonl")), "no dataset from a failed build");
  }

  @Test
  void withAWindowAppendedTurnsReReflectOnlyTheTargetsThatSeeThem() throws Exception {
    writeChats(conversation("a", 3)); // targets: answers 1, 2, 3
    run(request("w1", OfflineMode.OFF, 1, "m"));
    assertEquals(3, server.requestCount());
    // Answer 1 is shown with exchange 2 only, not the rest.
    String first =
        server.calls().stream()
            .filter(call -> call.k().orElse("").equals("a question 1"))
            .findFirst()
            .orElseThrow()
            .body();
    assertTrue(first.contains("a question 2") && !first.contains("a question 3"), first);

    writeChats(conversation("a", 4)); // one more exchange: targets 1..4
    RunSummary appended = run(request("w2", OfflineMode.OFF, 1, "m"));
    // Targets 1 and 2 see the same window as before; target 3 now sees answer 4; target 4 is new.
    assertEquals(2, appended.cached());
    assertEquals(2, appended.reflected());

    RunSummary all = run(request("all", OfflineMode.OFF, 0, "m"));
    // Without a window every target sees the appended turn, except what the window already
    // showed in full: target 4 (whose window reached the end of the conversation).
    assertEquals(1, all.cached());
    assertEquals(3, all.reflected());
  }

  @Test
  void statusCountsWithoutSendingOrWriting() throws Exception {
    writeChats(conversation("a", 2), "{\"messages\": 7}", conversation("b", 3));
    ReflectRequest partialRun =
        ReflectRequest.builder(
                dir.resolve("chats"), dir.resolve("out"), dir.resolve("cache"),
                PromptTemplates.byId("seed"), "gpt-4o")
            .failOnInvalid(false)
            .concurrency(1)
            .maxReplyAttempts(1)
            .generatorVersion("test")
            .build();
    run(partialRun); // reflects a's and b's targets: 3
    writeChats(conversation("a", 3), "{\"messages\": 7}", conversation("b", 3));
    int requestsBefore = server.requestCount();

    StatusReport approximate =
        ReflectStatus.of(partialRun, TokenEstimator.approximate(), listener);
    StatusReport exact = ReflectStatus.of(partialRun, TokenEstimator.forModel("gpt-4o"), listener);

    assertEquals(requestsBefore, server.requestCount(), "status sends nothing");
    assertEquals(2, approximate.conversations());
    assertEquals(6, approximate.targets());
    // b is unchanged; every target of a now sees the appended exchange (no window)
    assertEquals(3, approximate.cached());
    assertEquals(3, approximate.toReflect());
    assertEquals(1, approximate.invalidRecords());
    assertEquals(0, approximate.invalidCacheLines());
    assertEquals("o200k_base", exact.tokenizer());
    assertTrue(exact.exactTokens());
    assertFalse(approximate.exactTokens());
    assertTrue(exact.promptTokens() > 100 && approximate.promptTokens() > 100);
    assertEquals(3, exact.missing().size());
    assertEquals("logs.jsonl", exact.missing().get(0).source());
  }

  @Test
  void pruningKeepsOnlyWhatTheCurrentConfigurationUses() throws Exception {
    writeChats(conversation("a", 3));
    run(request("m1", OfflineMode.OFF, 0, "model-one"));
    run(request("m2", OfflineMode.OFF, 0, "model-two"));
    Path cacheFile = dir.resolve("cache/v1/reflections.jsonl");
    assertEquals(6, Files.readAllLines(cacheFile).size());

    CompactionResult kept = CacheCompaction.compact(request("x", OfflineMode.OFF, 0, "model-two").corpus(), false, listener);
    assertEquals(new CompactionResult(6, 0, 0, 0, kept.bytesBefore(), kept.bytesBefore()), kept);

    CompactionResult pruned = CacheCompaction.compact(request("x", OfflineMode.OFF, 0, "model-two").corpus(), true, listener);
    assertEquals(3, pruned.kept());
    assertEquals(3, pruned.pruned());
    assertTrue(Files.readString(cacheFile).contains("\"model\":\"model-two\""));
    assertFalse(Files.readString(cacheFile).contains("\"model\":\"model-one\""));

    RunSummary still = run(request("m3", OfflineMode.STRICT, 0, "model-two"));
    assertEquals(3, still.cached());

    writeChats(conversation("a", 3), "{\"messages\": 7}");
    ReflectRequest skipping =
        ReflectRequest.builder(
                dir.resolve("chats"), dir.resolve("out"), dir.resolve("cache"),
                PromptTemplates.byId("seed"), "model-two")
            .failOnInvalid(false)
            .concurrency(1)
            .maxReplyAttempts(1)
            .generatorVersion("test")
            .build();
    assertThrows(
        CacheCompaction.PruneRefusedException.class,
        () -> CacheCompaction.compact(skipping.corpus(), true, listener));
    assertEquals(3, Files.readAllLines(cacheFile).size(), "nothing pruned");
  }
}
