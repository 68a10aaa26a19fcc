package io.github.selfreflect.reflect.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run on real files: chat files in a temporary folder, a real {@link OpenAiChatClient}
 * talking HTTP to a {@link FakeLlmServer} on loopback, the real cache and the real writers. Only
 * the retry waits are cut short.
 */
class ReflectPipelineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A key the fake server sees; it must never reach a message, the cache or the dataset. */
  private static final String API_KEY = "sk-test-pipeline-0123456789abcdef";

  // The corpus: two files, four conversations, five targets, each with its own K.
  private static final String LOGS_JSONL =
      "{\"id\": \"trip-1\", \"messages\": ["
          + "{\"role\": \"user\", \"content\": \"Plan a day in Oslo.\"},"
          + " {\"role\": \"assistant\", \"content\": \"Start at the Viking Ship Museum.\"},"
          + " {\"role\": \"user\", \"content\": \"It is closed until 2027.\"},"
          + " {\"role\": \"assistant\", \"content\": \"Then try the Fram Museum.\"}]}\n"
          + "{\"id\": \"haiku-1\", \"messages\": ["
          + "{\"role\": \"assistant\", \"content\": \"Hi! What can I do for you?\"},"
          + " {\"role\": \"user\", \"content\": \"Write a haiku about rain.\"},"
          + " {\"role\": \"assistant\", \"content\": \"Rain taps on the roof.\"},"
          + " {\"role\": \"user\", \"content\": \"Make it about summer rain.\"}]}\n";

  private static final String SUPPORT_JSON =
      "[\n"
          + "{\"id\": \"pasta-1\", \"conversations\": ["
          + "{\"from\": \"human\", \"value\": \"How long should I boil spaghetti?\"},"
          + " {\"from\": \"gpt\", \"value\": \"About 15 minutes.\"},"
          + " {\"from\": \"human\", \"value\": \"It came out mushy. The pack said 9 minutes.\"},"
          + " {\"from\": \"gpt\", \"value\": \"Follow the packet time.\"},"
          + " {\"from\": \"human\", \"value\": \"Should I salt the water?\"},"
          + " {\"from\": \"gpt\", \"value\": \"Yes, 10 g per litre.\"}]},\n"
          + "{\"id\": \"sql-1\", \"system\": \"You are a helpful SQL tutor.\", \"conversations\": ["
          + "{\"from\": \"human\", \"value\": \"Count the orders per customer.\"},"
          + " {\"from\": \"gpt\", \"value\": \"SELECT COUNT(*) FROM orders;\"},"
          + " {\"from\": \"human\", \"value\": \"That is one number, not one per customer.\"}]}\n"
          + "]\n";

  private static final String TRIP_K = "Plan a day in Oslo.";
  private static final String HAIKU_K = "Write a haiku about rain.";
  private static final String PASTA_K1 = "How long should I boil spaghetti?";
  private static final String PASTA_K3 = "It came out mushy. The pack said 9 minutes.";
  private static final String SQL_K = "Count the orders per customer.";
  private static final Set<String> ALL_KS = Set.of(TRIP_K, HAIKU_K, PASTA_K1, PASTA_K3, SQL_K);

  @TempDir Path root;

  private FakeLlmServer fake;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final AtomicInteger clientsBuilt = new AtomicInteger();

  @BeforeEach
  void startFakeLlm() throws IOException {
    fake = new FakeLlmServer().start();
  }

  @AfterEach
  void stopFakeLlm() {
    fake.close();
  }

  // ---------------------------------------------------------------- caching and reproducibility

  @Test
  void aFirstRunReflectsEveryTargetAndASecondSendsNothingAndWritesTheSameBytes() throws Exception {
    writeCorpus();

    RunSummary first = run(options());
    assertEquals(4, first.conversations());
    assertEquals(5, first.targets());
    assertEquals(5, first.reflected());
    assertEquals(0, first.cached());
    assertEquals(5, first.requests());
    assertEquals(5, fake.requestCount(), "one request per target");
    assertEquals(ALL_KS, fake.countsByK().keySet());
    Map<String, String> firstOutputs = outputs();

    RunSummary second = run(options());
    assertEquals(5, second.cached());
    assertEquals(0, second.reflected());
    assertEquals(0, second.requests());
    assertEquals(5, fake.requestCount(), "a rerun over the same inputs sends nothing");
    assertEquals(1, clientsBuilt.get(), "a fully cached run never builds a client");
    // The dataset files are the same bytes; the manifest lists them with the same digests and
    // differs (like the card) only in its counts of what each run did (5 reflected, then 5
    // cached).
    Map<String, String> secondOutputs = outputs();
    assertEquals(withoutManifest(firstOutputs), withoutManifest(secondOutputs));
    JsonNode firstManifest = JSON.readTree(firstOutputs.get("manifest.json"));
    JsonNode secondManifest = JSON.readTree(secondOutputs.get("manifest.json"));
    assertEquals(firstManifest.get("files"), secondManifest.get("files"));
    assertEquals(5, secondManifest.get("counts").get("cached").asInt());

    // A third run from a full cache is byte-identical to the second, manifest included.
    run(options());
    assertEquals(secondOutputs, outputs());
  }

  @Test
  void theDatasetHoldsTheFakeModelsAnswersInCorpusOrder() throws Exception {
    writeCorpus();
    run(options());

    List<JsonNode> sft = lines("sft.jsonl");
    // File order (logs.jsonl before support.json), then record order, then turn.
    List<String> ks = new ArrayList<>();
    for (JsonNode record : sft) {
      JsonNode messages = record.get("messages");
      ks.add(messages.get(messages.size() - 2).get("content").asText());
      assertEquals(
          FakeLlmServer.answerFor(ks.get(ks.size() - 1)),
          messages.get(messages.size() - 1).get("content").asText());
    }
    assertEquals(List.of(TRIP_K, HAIKU_K, PASTA_K1, PASTA_K3, SQL_K), ks);
    JsonNode manifest = JSON.readTree(root.resolve("out/manifest.json").toFile());
    assertEquals(5, manifest.get("counts").get("reflected").asInt());
    assertEquals("fake-model", manifest.get("model").asText());
  }

  @Test
  void editingOneMessageReReflectsExactlyTheTargetsWhosePromptContainsIt() throws Exception {
    writeCorpus();
    run(options());
    int before = fake.requestCount();

    // pasta-1's last answer appears (as hindsight) in the prompts of pasta-1's two targets only.
    Files.writeString(
        chats().resolve("support.json"),
        SUPPORT_JSON.replace("Yes, 10 g per litre.", "Yes, about 10 g of salt per litre."));
    RunSummary edited = run(options());

    assertEquals(2, edited.reflected());
    assertEquals(3, edited.cached());
    assertEquals(2, fake.requestCount() - before);
    assertEquals(Set.of(PASTA_K1, PASTA_K3), ksOfCallsAfter(before));
  }

  @Test
  void changingTheModelTheTemperatureOrTheTemplateReReflectsEverything() throws Exception {
    writeCorpus();
    run(options());
    assertEquals(5, fake.requestCount());

    run(options().model("another-model"));
    assertEquals(10, fake.requestCount(), "a new model re-reflects every target");
    run(options().sampling(new SamplingParameters(0.2, null)));
    assertEquals(15, fake.requestCount(), "a new temperature re-reflects every target");
    run(options().template(new RevisedSeed()));
    assertEquals(20, fake.requestCount(), "a new template fingerprint re-reflects every target");

    // Each of those is cached now: going back to any of them costs nothing.
    run(options());
    run(options().model("another-model"));
    run(options().sampling(new SamplingParameters(0.2, null)));
    run(options().template(new RevisedSeed()));
    assertEquals(20, fake.requestCount());
  }

  @Test
  void concurrencyOneAndEightWriteTheSameBytes() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      many.append(
          String.format(
              "{\"id\": \"c-%02d\", \"messages\": [{\"role\": \"user\", \"content\": \"Question %d\"},"
                  + " {\"role\": \"assistant\", \"content\": \"Answer %d\"},"
                  + " {\"role\": \"user\", \"content\": \"Follow-up %d\"},"
                  + " {\"role\": \"assistant\", \"content\": \"Second answer %d\"},"
                  + " {\"role\": \"user\", \"content\": \"Thanks %d\"}]}\n",
              i, i, i, i, i, i));
    }
    Files.createDirectories(chats());
    Files.writeString(chats().resolve("many.jsonl"), many.toString());

    RunSummary serial = run(options().concurrency(1));
    Map<String, String> serialOutputs = outputs();
    RunSummary parallel =
        run(options().concurrency(8).cache(root.resolve("cache-8")).output(root.resolve("out-8")));

    assertEquals(60, serial.reflected());
    assertEquals(60, parallel.reflected());
    assertEquals(120, fake.requestCount(), "the second run has a cache of its own");
    assertEquals(serialOutputs, outputs(root.resolve("out-8")));
  }

  @Test
  void theSameConversationInTwoFilesIsPaidForOnce() throws Exception {
    Files.createDirectories(chats());
    Files.writeString(chats().resolve("a.jsonl"), LOGS_JSONL);
    Files.writeString(chats().resolve("b.jsonl"), LOGS_JSONL);

    RunSummary summary = run(options().concurrency(8));

    assertEquals(4, summary.targets());
    assertEquals(2, fake.requestCount());
    assertEquals(2, summary.requests());
    assertEquals(4, lines("reflections.jsonl").size(), "both copies are in the dataset");
    // ...but the second copy of each pair is the same training example: the duplicate filter
    // keeps it out of the training files and says so.
    assertEquals(2, lines("sft.jsonl").size());
    assertEquals(
        2, lines("reflections.jsonl").stream().filter(l -> l.at("/filter/reason").asText().equals("duplicate")).count());
    assertEquals(4, summary.reflected(), "each copy is a target this run reflected");
    assertEquals(
        summary.targets(),
        summary.cached() + summary.reflected() + summary.failed() + summary.skipped(),
        "every target is counted once: " + summary);
  }

  // --------------------------------------------------------------------------------- offline

  @Test
  void strictOfflineFailsListingTheMissingTargetsAndSendsNothing() throws Exception {
    writeCorpus();
    run(options());
    Files.writeString(
        chats().resolve("support.json"),
        SUPPORT_JSON.replace("Yes, 10 g per litre.", "Yes, about 10 g of salt per litre."));
    int clients = clientsBuilt.get();

    ReflectFailureException e =
        assertThrows(
            ReflectFailureException.class, () -> run(options().offline(OfflineMode.STRICT)));

    assertEquals(
        "2 of 5 targets have no cached reflection and the build is offline:\n"
            + "  support.json:2 conversation pasta-1 turn 1\n"
            + "  support.json:2 conversation pasta-1 turn 3",
        e.getMessage());
    assertEquals(5, fake.requestCount(), "nothing is sent offline");
    assertEquals(clients, clientsBuilt.get(), "no client is even built offline");
    assertEquals(2, e.summary().missing().size());
  }

  @Test
  void strictOfflineOnAnEmptyCacheListsEveryTarget() throws Exception {
    writeCorpus();

    ReflectFailureException e =
        assertThrows(
            ReflectFailureException.class, () -> run(options().offline(OfflineMode.STRICT)));

    assertTrue(e.getMessage().startsWith("5 of 5 targets have no cached reflection"));
    assertTrue(e.getMessage().contains("\n  logs.jsonl:1 conversation trip-1 turn 1"));
    assertTrue(e.getMessage().contains("\n  logs.jsonl:2 conversation haiku-1 turn 2"));
    assertTrue(e.getMessage().contains("\n  support.json:3 conversation sql-1 turn 2"));
    assertEquals(0, fake.requestCount());
  }

  @Test
  void partialOfflineWritesTheCachedPartAndCountsWhatIsSkipped() throws Exception {
    writeCorpus();
    run(options());
    Files.writeString(
        chats().resolve("support.json"),
        SUPPORT_JSON.replace("Yes, 10 g per litre.", "Yes, about 10 g of salt per litre."));

    RunSummary partial = run(options().offline(OfflineMode.PARTIAL));

    assertEquals(3, partial.cached());
    assertEquals(2, partial.skipped());
    assertEquals(0, partial.reflected());
    assertEquals(5, fake.requestCount());
    assertEquals(3, lines("sft.jsonl").size());
    assertEquals(0, lines("failures.jsonl").size(), "skipped is not failed");
    JsonNode counts = JSON.readTree(root.resolve("out/manifest.json").toFile()).get("counts");
    assertEquals(2, counts.get("skipped").asInt());
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains("writing the cached part only")), warnings::toString);
  }

  // ------------------------------------------------------------------------- unusable replies

  @Test
  void aReplyThatIsNotJsonIsAskedForAgainAndThenSucceeds() throws Exception {
    writeCorpus();
    fake.enqueueFaultFor(SQL_K, Fault.contentNotJson());

    RunSummary summary = run(options());

    assertEquals(5, summary.reflected());
    assertEquals(0, summary.failed());
    assertEquals(6, summary.requests());
    assertEquals(2, fake.countFor(SQL_K));
    assertTrue(
        warnings.stream()
            .anyMatch(w -> w.startsWith("Unusable reply for support.json:3 conversation sql-1 turn 2 (attempt 1)")),
        warnings::toString);
    assertFalse(cacheText().contains("Here is my critique"), "the unusable reply is not cached");
  }

  @Test
  void aReplyThatStaysInvalidFailsItsTargetOnlyAndIsNeverCached() throws Exception {
    writeCorpus();
    for (int i = 0; i < 3; i++) {
      fake.enqueueFaultFor(SQL_K, Fault.contentNotJson());
    }

    ReflectFailureException e = assertThrows(ReflectFailureException.class, () -> run(options()));

    assertEquals(3, fake.countFor(SQL_K), "maxReplyAttempts attempts, then it gives up");
    assertEquals(1, e.summary().failed());
    assertEquals(4, e.summary().reflected());
    assertTrue(e.getMessage().startsWith("1 targets failed"), e.getMessage());
    assertTrue(e.getMessage().contains("support.json:3 conversation sql-1 turn 2: "), e.getMessage());
    // The others are cached and written.
    assertEquals(4, lines("sft.jsonl").size());
    List<JsonNode> failures = lines("failures.jsonl");
    assertEquals(1, failures.size());
    assertEquals("sql-1", failures.get(0).get("conversation").asText());
    assertEquals(2, failures.get(0).get("turn").asInt());
    // The template's words, as published: nothing in them names where the request went.
    assertEquals(
        "reply not valid: reply is not JSON: no JSON object in it: 'Sure! Here is my critique: the"
            + " answer was fine.' (after 3 attempts)",
        failures.get(0).get("reason").asText());
    assertFalse(cacheText().contains("Here is my critique"));

    // Only the failed target is asked for again.
    int before = fake.requestCount();
    RunSummary rerun = run(options());
    assertEquals(1, fake.requestCount() - before);
    assertEquals(1, rerun.reflected());
    assertEquals(4, rerun.cached());
    assertEquals(0, lines("failures.jsonl").size());
  }

  @Test
  void aReplyCutOffByTheTokenLimitIsAskedForAgain() throws Exception {
    writeCorpus();
    fake.enqueueFaultFor(TRIP_K, Fault.finishLength());

    RunSummary summary = run(options());

    assertEquals(5, summary.reflected());
    assertEquals(2, fake.countFor(TRIP_K));
  }

  @Test
  void aReplyThatStaysCutOffFailsAndIsNeverCached() throws Exception {
    writeCorpus();
    for (int i = 0; i < 3; i++) {
      fake.enqueueFaultFor(TRIP_K, Fault.finishLength());
    }

    ReflectFailureException e = assertThrows(ReflectFailureException.class, () -> run(options()));

    assertEquals(1, e.summary().failed());
    assertEquals(4, e.summary().reflected());
    String reason = lines("failures.jsonl").get(0).get("reason").asText();
    assertTrue(reason.contains("finish_reason \"length\""), reason);
    int before = fake.requestCount();
    run(options());
    assertEquals(1, fake.requestCount() - before, "the cut-off reply was not cached");
  }

  // ---------------------------------------------------------------------------- credentials

  @Test
  void aRefusedKeyStopsTheRunNamingEndpointAndStatusButNotTheKey() throws Exception {
    writeCorpus();
    // A careless gateway quotes the Authorization header back in its error message.
    fake.enqueueFault(Fault.echoAuthorization(401));

    ReflectFailureException e =
        assertThrows(ReflectFailureException.class, () -> run(options().concurrency(1)));

    assertEquals(1, fake.requestCount(), "no request after the key was refused");
    assertTrue(e.getMessage().contains(fake.baseUrl() + "/chat/completions"), e.getMessage());
    assertTrue(e.getMessage().contains("401"), e.getMessage());
    assertFalse(e.getMessage().contains(API_KEY), e.getMessage());
    assertEquals("Bearer " + API_KEY, fake.calls().get(0).header("Authorization"));
    assertFalse(cacheText().contains(API_KEY));
    outputs().forEach((name, text) -> assertFalse(text.contains(API_KEY), name));
    warnings.forEach(w -> assertFalse(w.contains(API_KEY), w));
  }

  // ---------------------------------------------------------------------------- bad input

  @Test
  void anInvalidChatFileFailsBeforeAnyRequestIsSent() throws Exception {
    writeCorpus();
    // Sorted after the valid files, so the failure comes from a pass over the whole corpus.
    Files.writeString(
        chats().resolve("z-broken.jsonl"),
        "{\"id\": \"ok\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}\n"
            + "{\"id\": \"bad\", \"messages\": [{\"role\": \"wizard\", \"content\": \"Hi\"}]}\n");

    InvalidChatException e = assertThrows(InvalidChatException.class, () -> run(options()));

    assertTrue(e.getMessage().contains("z-broken.jsonl:2"), e.getMessage());
    assertEquals(0, fake.requestCount());
    assertEquals(0, clientsBuilt.get());
    assertFalse(Files.exists(root.resolve("out/manifest.json")));
  }

  @Test
  void withFailOnInvalidFalseBadRecordsAreSkippedAndCounted() throws Exception {
    writeCorpus();
    Files.writeString(
        chats().resolve("z-broken.jsonl"),
        "{\"id\": \"bad-1\", \"messages\": [{\"role\": \"wizard\", \"content\": \"Hi\"}]}\n"
            + "{\"id\": \"bad-2\", \"messages\": []}\n");

    RunSummary summary = run(options().failOnInvalid(false));

    assertEquals(2, summary.invalidRecords());
    assertEquals(5, summary.reflected());
    assertEquals(5, fake.requestCount());
    assertEquals(
        2, warnings.stream().filter(w -> w.startsWith("Skipping invalid record: z-broken.jsonl:")).count(),
        warnings::toString);
    JsonNode counts = JSON.readTree(root.resolve("out/manifest.json").toFile()).get("counts");
    assertEquals(2, counts.get("invalidRecords").asInt());
  }

  // -------------------------------------------------------------------------- output shapes

  @Test
  void sftAndPreferenceLinesKeepSystemPromptAndToolCallsInTheHistory() throws Exception {
    Files.createDirectories(chats());
    Files.writeString(
        chats().resolve("tools.jsonl"),
        "{\"id\": \"calc-1\", \"messages\": ["
            + "{\"role\": \"system\", \"content\": \"You are terse.\"},"
            + " {\"role\": \"user\", \"content\": \"Add 2 and 2.\"},"
            + " {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"call_1\","
            + " \"type\": \"function\", \"function\": {\"name\": \"add\", \"arguments\": \"{}\"}}]},"
            + " {\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"4\"},"
            + " {\"role\": \"assistant\", \"content\": \"4.\"},"
            + " {\"role\": \"user\", \"content\": \"And times 3?\"},"
            + " {\"role\": \"assistant\", \"content\": \"7.\"},"
            + " {\"role\": \"user\", \"content\": \"That is wrong.\"}]}\n");

    RunSummary summary = run(options());
    assertEquals(1, summary.targets(), "only the answer to a user message is a target");

    String newAnswer = FakeLlmServer.answerFor("And times 3?");
    String history =
        "{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Add 2 and 2.\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"content\":\"4\",\"tool_call_id\":\"call_1\"},"
            + "{\"role\":\"assistant\",\"content\":\"4.\"},"
            + "{\"role\":\"user\",\"content\":\"And times 3?\"}";
    // OpenAI fine-tuning and TRL conversational SFT: the whole chat as "messages", the history's
    // answers weighted 0 (context), the new answer 1 (trained on).
    String sftHistory =
        "{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Add 2 and 2.\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{}\"}}],\"weight\":0},"
            + "{\"role\":\"tool\",\"content\":\"4\",\"tool_call_id\":\"call_1\"},"
            + "{\"role\":\"assistant\",\"content\":\"4.\",\"weight\":0},"
            + "{\"role\":\"user\",\"content\":\"And times 3?\"}";
    assertEquals(
        "{\"messages\":["
            + sftHistory
            + ",{\"role\":\"assistant\",\"content\":"
            + JSON.writeValueAsString(newAnswer)
            + ",\"weight\":1}]}\n",
        Files.readString(root.resolve("out/sft.jsonl"), UTF_8));
    // TRL conversational preference: prompt, chosen, rejected.
    assertEquals(
        "{\"prompt\":["
            + history
            + "],\"chosen\":[{\"role\":\"assistant\",\"content\":"
            + JSON.writeValueAsString(newAnswer)
            + "}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"7.\"}]}\n",
        Files.readString(root.resolve("out/preference.jsonl"), UTF_8));
  }

  /**
   * A ShareGPT record as LLaMA-Factory writes tool use (a {@code function_call} turn, an {@code
   * observation}, the tool schemas as a JSON string) comes out in OpenAI's tool format: the schemas
   * as {@code tools} beside the messages, the call with an id, the tool answer naming it.
   */
  @Test
  void shareGptToolUseComesOutWithToolsDeclaredAndCallsLinked() throws Exception {
    Files.createDirectories(chats());
    String tools =
        "[{\"name\": \"add\", \"description\": \"Adds\", \"parameters\": {\"type\": \"object\"}}]";
    Files.writeString(
        chats().resolve("glaive.json"),
        "[{\"conversations\": ["
            + "{\"from\": \"human\", \"value\": \"Add 2 and 2.\"},"
            + " {\"from\": \"function_call\", \"value\": \"{\\\"name\\\": \\\"add\\\", \\\"arguments\\\": {}}\"},"
            + " {\"from\": \"observation\", \"value\": \"4\"},"
            + " {\"from\": \"gpt\", \"value\": \"4.\"},"
            + " {\"from\": \"human\", \"value\": \"And times 3?\"},"
            + " {\"from\": \"gpt\", \"value\": \"7.\"},"
            + " {\"from\": \"human\", \"value\": \"That is wrong.\"}],"
            + " \"tools\": " + JSON.writeValueAsString(tools) + "}]\n");

    RunSummary summary = run(options());
    assertEquals(1, summary.targets(), summary.toString());

    JsonNode sft = JSON.readTree(Files.readString(root.resolve("out/sft.jsonl"), UTF_8));
    JsonNode preference = JSON.readTree(Files.readString(root.resolve("out/preference.jsonl"), UTF_8));
    for (JsonNode record : List.of(sft, preference)) {
      JsonNode declared = record.get("tools");
      assertEquals(1, declared.size(), record.toString());
      assertEquals("function", declared.at("/0/type").asText());
      assertEquals("add", declared.at("/0/function/name").asText());
    }
    JsonNode messages = sft.get("messages");
    JsonNode call = messages.at("/1/tool_calls/0");
    assertEquals("call_1_0", call.get("id").asText(), messages.toString());
    assertEquals("add", call.at("/function/name").asText());
    assertEquals("tool", messages.at("/2/role").asText());
    assertEquals("call_1_0", messages.at("/2/tool_call_id").asText(), "the answer names its call");
    assertEquals("call_1_0", preference.at("/prompt/2/tool_call_id").asText());
    assertEquals(0, messages.at("/1/weight").asInt(), "the history's calls are context");
    assertEquals(1, messages.at("/5/weight").asInt(), "the new answer is trained on");
    assertEquals(
        FakeLlmServer.answerFor("And times 3?"), messages.at("/5/content").asText(), messages.toString());
  }

  // -------------------------------------------------------------------------------- helpers

  private Path chats() {
    return root.resolve("chats");
  }

  private void writeCorpus() throws IOException {
    Files.createDirectories(chats());
    Files.writeString(chats().resolve("logs.jsonl"), LOGS_JSONL);
    Files.writeString(chats().resolve("support.json"), SUPPORT_JSON);
  }

  private Options options() {
    return new Options(root);
  }

  private RunSummary run(Options options) throws IOException, ReflectFailureException {
    return new ReflectPipeline(options.build(), this::client, new RecordingListener()).run();
  }

  private ChatModel client(RequestGate gate) {
    clientsBuilt.incrementAndGet();
    return OpenAiChatClient.builder()
        .requestGate(gate)
        .baseUrl(fake.baseUrl())
        .apiKey(API_KEY)
        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
        .sleeper(delay -> {})
        .build();
  }

  private Set<String> ksOfCallsAfter(int index) {
    return fake.calls().subList(index, fake.requestCount()).stream()
        .map(call -> call.k().orElseThrow())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private List<JsonNode> lines(String name) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("out").resolve(name), UTF_8)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  private Map<String, String> outputs() throws IOException {
    return outputs(root.resolve("out"));
  }

  /** Every file of an output folder, by name, as text. */
  private static Map<String, String> outputs(Path folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.list(folder)) {
      for (Path file : (Iterable<Path>) paths::iterator) {
        files.put(file.getFileName().toString(), Files.readString(file, UTF_8));
      }
    }
    assertNotNull(files.get("manifest.json"), "a complete dataset has a manifest");
    return files;
  }

  /** The data files: without the manifest and the card, which also count what each run did. */
  private static Map<String, String> withoutManifest(Map<String, String> outputs) {
    Map<String, String> files = new TreeMap<>(outputs);
    files.remove("manifest.json");
    assertNotNull(files.remove("README.md"), "a complete dataset has a card");
    assertEquals(5, files.size(), files::toString); // four data files and report.html
    return files;
  }

  /** Everything in the cache folder, as one text. */
  private String cacheText() throws IOException {
    StringBuilder text = new StringBuilder();
    if (!Files.exists(root.resolve("cache"))) {
      return "";
    }
    try (Stream<Path> paths = Files.walk(root.resolve("cache"))) {
      for (Path file : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
        text.append(Files.readString(file, UTF_8));
      }
    }
    return text.toString();
  }

  private final class RecordingListener implements ReflectListener {
    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {
      warnings.add(message);
    }
  }

  /** The seed template after a change of its text: same id, another fingerprint. */
  private static final class RevisedSeed implements PromptTemplate {
    private final PromptTemplate seed = PromptTemplates.byId("seed");

    @Override
    public String id() {
      return seed.id();
    }

    @Override
    public String fingerprint() {
      return seed.fingerprint() + "-revised";
    }

    @Override
    public List<Message> render(Conversation conversation, int targetIndex) {
      return seed.render(conversation, targetIndex);
    }

    @Override
    public Reflection parse(String replyContent, Conversation conversation, int targetIndex)
        throws InvalidReplyException {
      return seed.parse(replyContent, conversation, targetIndex);
    }
  }

  /** A ReflectRequest with test defaults, changed one option at a time. */
  private static final class Options {
    private Path chats;
    private Path output;
    private Path cache;
    private PromptTemplate template = PromptTemplates.byId("seed");
    private String model = FakeLlmServer.DEFAULT_MODEL;
    private SamplingParameters sampling = SamplingParameters.DEFAULTS;
    private OfflineMode offline = OfflineMode.OFF;
    private boolean failOnInvalid = true;
    private int concurrency = 4;

    Options(Path root) {
      chats = root.resolve("chats");
      output = root.resolve("out");
      cache = root.resolve("cache");
    }

    Options output(Path folder) {
      output = folder;
      return this;
    }

    Options cache(Path folder) {
      cache = folder;
      return this;
    }

    Options template(PromptTemplate value) {
      template = value;
      return this;
    }

    Options model(String value) {
      model = value;
      return this;
    }

    Options sampling(SamplingParameters value) {
      sampling = value;
      return this;
    }

    Options offline(OfflineMode value) {
      offline = value;
      return this;
    }

    Options failOnInvalid(boolean value) {
      failOnInvalid = value;
      return this;
    }

    Options concurrency(int value) {
      concurrency = value;
      return this;
    }

    ReflectRequest build() {
      return ReflectRequest.builder(chats, output, cache, template, model)
          .sampling(sampling)
          .offline(offline)
          .failOnInvalid(failOnInvalid)
          .concurrency(concurrency)
          .generatorVersion("0.1.0-test")
          .build();
    }
  }
}
