package io.github.selfreflect.reflect.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.dataset.SftSelection;
import io.github.selfreflect.reflect.evaluate.EvaluateRequest;
import io.github.selfreflect.reflect.evaluate.Evaluator;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The up-to-date check: a build with nothing changed leaves the dataset alone and sends nothing;
 * any change to what the dataset is made from (a chat file, the cache, a setting) or to the files
 * it wrote makes the next build run, and that build's files are those of a fresh build.
 */
class UpToDateCheckTest {

  private static final int TARGETS = 4;

  @TempDir Path dir;

  private FakeLlmServer server;
  private PipelineFixture fixture;
  private final List<String> infos = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    server = new FakeLlmServer().start();
    fixture = new PipelineFixture(dir, TARGETS);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private RunSummary build(ReflectRequest request, boolean skipWhenUpToDate) throws Exception {
    infos.clear();
    return new ReflectPipeline(
            request,
            gate ->
                OpenAiChatClient.builder()
                    .baseUrl(server.baseUrl())
                    .requestGate(gate)
                    .retryPolicy(PipelineFixture.QUICK)
                    .build(),
            new ReflectListener() {
              @Override
              public void info(String message) {
                infos.add(message);
              }

              @Override
              public void warn(String message) {}
            })
        .skipWhenUpToDate(skipWhenUpToDate)
        .run();
  }

  private ReflectRequest request() {
    return fixture.request(2, RunLimits.DEFAULT);
  }

  private RunSummary build() throws Exception {
    return build(request(), true);
  }

  /** Every file of the output folder with its bytes and modification time. */
  private Map<String, String> outputs() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(fixture.output())) {
      for (Path file : (Iterable<Path>) list::iterator) {
        files.put(
            file.getFileName().toString(),
            Files.getLastModifiedTime(file).toMillis() + " " + new String(Files.readAllBytes(file), UTF_8));
      }
    }
    return files;
  }

  private String staleReason() {
    return infos.stream()
        .filter(m -> m.startsWith("Building the dataset: "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no 'Building the dataset' line in " + infos));
  }

  /** Moves every output file's time back, so a rewrite shows as a new time. */
  private void ageOutputs() throws IOException {
    try (Stream<Path> list = Files.list(fixture.output())) {
      for (Path file : (Iterable<Path>) list::iterator) {
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
      }
    }
    // The ages are part of the record: record them again, as a build would have left them.
    BuildState recorded = BuildState.read(fixture.output()).orElseThrow();
    UpToDateCheck.capture(request(), recorded.summary().asUpToDateRun()).write(fixture.output());
  }

  @Test
  void anUnchangedBuildSendsNothingAndLeavesEveryFileAsItWas() throws Exception {
    RunSummary first = build();
    assertFalse(first.upToDate());
    assertEquals(TARGETS, server.requestCount());
    assertTrue(staleReason().contains("no complete build"), staleReason());
    ageOutputs();
    Map<String, String> before = outputs();

    RunSummary second = build();

    assertTrue(second.upToDate());
    assertEquals(TARGETS, server.requestCount(), "no request sent");
    assertEquals(before, outputs(), "no file rewritten, not even its time");
    assertEquals(TARGETS, second.targets());
    assertEquals(TARGETS, second.cached(), "the reflections the first build paid for are cached now");
    assertEquals(0, second.reflected());
    assertEquals(0, second.requests());
    assertEquals(first.datasetUsage(), second.datasetUsage());
    assertTrue(infos.stream().anyMatch(m -> m.startsWith("Dataset up to date: 4 conversations, 4 targets")), infos.toString());
  }

  @Test
  void anEditedChatFileOfTheSameSizeIsNoticed() throws Exception {
    build();
    Path chats = fixture.chats().resolve("chats.jsonl");
    String text = Files.readString(chats, UTF_8);
    // Same length, and the same modification time: only the content tells.
    FileTime time = Files.getLastModifiedTime(chats);
    Files.writeString(chats, text.replace("egg question 002", "egg question 092"), UTF_8);
    Files.setLastModifiedTime(chats, time);

    RunSummary rebuilt = build();

    assertFalse(rebuilt.upToDate());
    assertEquals("Building the dataset: chats.jsonl changed since the last build", staleReason());
    assertEquals(TARGETS + 1, server.requestCount(), "the edited target only");
  }

  @Test
  void aChangedOrMissingOutputIsWrittenAgainAsAFreshBuildWouldWriteIt() throws Exception {
    build();
    byte[] sft = fixture.output("sft.jsonl");
    Files.writeString(fixture.output().resolve("sft.jsonl"), "{}\n", StandardOpenOption.APPEND);

    assertFalse(build().upToDate());
    assertTrue(staleReason().endsWith("sft.jsonl changed or went missing since the last build"), staleReason());
    assertArrayEquals(sft, fixture.output("sft.jsonl"));

    Files.delete(fixture.output().resolve("manifest.json"));
    assertFalse(build().upToDate());
    assertTrue(staleReason().endsWith("manifest.json went missing since the last build"), staleReason());
    assertTrue(build().upToDate(), "and once rebuilt, it is up to date again");
    assertEquals(TARGETS, server.requestCount(), "every rebuild came from the cache");
  }

  @Test
  void anEvaluationAddedToTheDatasetKeepsItUpToDateAndStaysInIt() throws Exception {
    build();
    try (FakeLlmServer judge =
        new FakeLlmServer(body -> "```json\n{\"reason\": \"r\", \"better\": \"A\"}\n```").start()) {
      new Evaluator(
              new EvaluateRequest(
                  fixture.output(), fixture.cache(), "judge-model", SamplingParameters.DEFAULTS,
                  200, 7, OfflineMode.OFF, 2, 2),
              gate -> OpenAiChatClient.builder().baseUrl(judge.baseUrl()).requestGate(gate).build(),
              ReflectListener.SILENT)
          .run();
      assertTrue(judge.requestCount() > 0);
    }
    byte[] evaluation = fixture.output("evaluation.json");
    byte[] manifest = fixture.output("manifest.json");

    assertTrue(build().upToDate(), infos.toString());

    assertArrayEquals(evaluation, fixture.output("evaluation.json"), "the evaluation judged this dataset");
    assertArrayEquals(manifest, fixture.output("manifest.json"));
  }

  @Test
  void aCacheChangedByAnotherBuildMakesTheNextBuildRun() throws Exception {
    build();
    Path cache = fixture.cache().resolve("v1").resolve("reflections.jsonl");
    // Another process appends a record (here: a copy of the first line, a valid record).
    String first = Files.readAllLines(cache, UTF_8).get(0);
    Files.writeString(cache, first + "\n", StandardOpenOption.APPEND);

    assertFalse(build().upToDate());
    assertEquals("Building the dataset: the cache changed since the last build", staleReason());
  }

  @Test
  void aChangedSettingIsNamed() throws Exception {
    build();

    assertFalse(build(request().withSft(SftSelection.REVISED), true).upToDate());

    assertEquals("Building the dataset: settings changed since the last build: sft", staleReason());
  }

  @Test
  void anIncompleteBuildRecordsNothingSoTheNextOneRetries() throws Exception {
    String k = PipelineFixture.ks(TARGETS).get(1);
    for (int i = 0; i < 6; i++) {
      server.enqueueFaultFor(k, Fault.status(400));
    }
    ReflectRequest tolerant =
        fixture.request(
            2,
            new RunLimits(
                RunLimits.DEFAULT.rateCaps(), 0, 0, BudgetAction.FAIL,
                FailureThreshold.parse("1"), null));
    RunSummary failed = build(tolerant, true);
    assertEquals(1, failed.failed());
    assertTrue(BuildState.read(fixture.output()).isEmpty(), "a build with a failure vouches for nothing");
    server.close();
    server = new FakeLlmServer().start(); // the same model, with its fault gone

    RunSummary retried = build(tolerant, true);

    assertFalse(retried.upToDate());
    assertEquals(0, retried.failed());
    assertEquals(1, retried.reflected(), "the failed target is asked again");
    assertEquals(1, server.requestCount());
    assertTrue(build(tolerant, true).upToDate(), "complete now, so recorded");
  }

  @Test
  void aRecordThatCannotBeWrittenCostsTheNextBuildARebuildNotThisBuild() throws Exception {
    // A folder where the record goes: it can be neither removed nor replaced.
    Path blocked = BuildState.file(fixture.output());
    Files.createDirectories(blocked.resolve("in-the-way"));
    List<String> warnings = new ArrayList<>();
    ReflectListener listener =
        new ReflectListener() {
          @Override
          public void info(String message) {}

          @Override
          public void warn(String message) {
            warnings.add(message);
          }
        };
    RunSummary summary =
        new ReflectPipeline(
                request(),
                gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build(),
                listener)
            .skipWhenUpToDate(true)
            .run();

    assertEquals(TARGETS, summary.reflected(), "the build itself succeeds");
    assertTrue(Files.isRegularFile(fixture.output().resolve("manifest.json")));
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("Cannot record this build")), warnings.toString());
    try (Stream<Path> beside = Files.list(blocked.getParent())) {
      assertEquals(
          List.of(), beside.filter(p -> p.toString().endsWith(".partial")).toList(), "no partial left");
    }
    assertFalse(build().upToDate(), "no record, so the next build runs");
  }

  @Test
  void withoutTheCheckEveryBuildWritesItsFilesAgain() throws Exception {
    build(request(), false);
    ageOutputs();
    Map<String, String> before = outputs();

    RunSummary second = build(request(), false);

    assertFalse(second.upToDate());
    assertFalse(before.equals(outputs()), "files written again, with new times");
    assertEquals(TARGETS, server.requestCount(), "from the cache");
  }

  @Test
  void aChangedPromptBudgetMakesTheDatasetStaleThoughTheFingerprintStaysTheSame() {
    PromptTemplate unlimited = PromptTemplates.byId("hindsight");
    PromptTemplate budgeted = unlimited.withMaxPromptTokens(4_000);
    assertEquals(unlimited.fingerprint(), budgeted.fingerprint(), "keys of prompts that fit stay");

    ReflectRequest before = requestWith(unlimited);
    ReflectRequest after = requestWith(budgeted);

    assertEquals(
        "maxPromptTokens",
        BuildRecipe.differences(BuildRecipe.of(before), BuildRecipe.of(after)));
    assertEquals("", BuildRecipe.differences(BuildRecipe.of(after), BuildRecipe.of(requestWith(budgeted))));
  }

  private ReflectRequest requestWith(PromptTemplate template) {
    return ReflectRequest.builder(fixture.chats(), fixture.output(), fixture.cache(), template, "fake-model")
        .generatorVersion("test")
        .build();
  }

  @Test
  void everyRequestSettingIsEitherInTheRecipeOrKnownToLeaveTheDatasetAlone() {
    Set<String> classified = new HashSet<>(BuildRecipe.INCLUDED);
    for (String name : BuildRecipe.WITHOUT_EFFECT.keySet()) {
      assertTrue(classified.add(name), name + " is both in the recipe and said to have no effect");
    }
    List<String> unclassified = new ArrayList<>();
    for (RecordComponent component : ReflectRequest.class.getRecordComponents()) {
      if (!classified.remove(component.getName())) {
        unclassified.add(component.getName());
      }
    }
    assertEquals(
        List.of(),
        unclassified,
        "a new ReflectRequest component must be added to BuildRecipe (or to its WITHOUT_EFFECT"
            + " list, saying why it cannot change a complete dataset)");
    assertEquals(Set.of(), classified, "BuildRecipe names components ReflectRequest lacks");
  }
}
