package io.github.selfreflect.reflect.pipeline;

import static io.github.selfreflect.reflect.pipeline.ChatRepo.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.HindsightPrompt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose cache directory another build writes to while it runs (two CI jobs, {@code mvn -T},
 * a developer and an IDE): what the other build stores before a request leaves is not paid for
 * again. The other build is a second {@link JsonlReflectionCache} on the same directory, which is
 * what another process is to this one (CacheAcrossProcessesTest pins that the file itself works
 * across real processes).
 */
class SharedCacheTest {

  @TempDir Path tmp;

  @Test
  void targetsAnotherBuildStoresDuringTheRunAreNotSentAndCountAsCached() throws Exception {
    List<String> ks = PipelineFixture.ks(4);
    PipelineFixture other = anotherBuild(4);
    List<CacheEntry> others = entriesFor(other, ks.subList(1, 4));

    // One request at a time, and a read-ahead of two: while the first target's request is
    // answered, the second waits in the queue, the third is read (found missing) and waits for a
    // place in it, and the fourth is not read yet. The other build stores all three right then.
    PipelineFixture mine = new PipelineFixture(tmp.resolve("mine"), 4);
    try (FakeLlmServer server =
        storingWhileTheFirstIsAnswered(ks.get(0), mine, others, k -> {}).start()) {
      RunSummary summary = mine.pipeline(server, 1, RunLimits.DEFAULT).run();

      assertEquals(Map.of(ks.get(0), 1), server.countsByK(), "the stored targets were not sent");
      assertEquals(1, summary.requests());
      // The summary (and the manifest) say what this run paid for, and what it found.
      assertEquals(1, summary.reflected());
      assertEquals(3, summary.cached());
      assertEquals(0, summary.failed());
      assertEquals(0, summary.skipped());
    }
    assertEquals(List.of(), mine.warnings);
    // The dataset is the one a build that paid for every target would write.
    assertArrayEquals(other.output("sft.jsonl"), mine.output("sft.jsonl"));
    assertArrayEquals(other.output("reflections.jsonl"), mine.output("reflections.jsonl"));
    assertEquals(4, mine.cachedLines(), "one record per target");
  }

  /**
   * The progress line counts what another build stores as cached, as the summary does, so that
   * "to reflect" shrinks to the requests this run really sends and reaches 0 when the last one
   * settles. Of six targets, the sixth is cached before the run starts; the other build stores the
   * second and third while they wait in the queue (found right before their requests would leave)
   * and the fourth before it is read (found when read); the first and the fifth are this run's. A
   * heartbeat is heard while the fifth, the last request, is in flight.
   */
  @Test
  void progressCountsTargetsAnotherBuildStoredAsCachedSoNothingIsLeftToGo() throws Exception {
    List<String> ks = PipelineFixture.ks(6);
    List<CacheEntry> entries =
        entriesFor(anotherBuild(6), List.of(ks.get(1), ks.get(2), ks.get(3), ks.get(5)));
    List<CacheEntry> others = entries.subList(0, 3);

    PipelineFixture mine = new PipelineFixture(tmp.resolve("mine"), 6);
    store(mine.cache(), entries.get(3)); // cached all along: not what another build stored meanwhile
    AtomicReference<RunProgress> heardInFlight = new AtomicReference<>();
    try (FakeLlmServer server =
        storingWhileTheFirstIsAnswered(
                ks.get(0),
                mine,
                others,
                k -> {
                  if (k.equals(ks.get(4))) {
                    heardInFlight.set(nextProgress(mine));
                  }
                })
            .start()) {
      RunSummary summary = mine.pipeline(server, 1, RunLimits.DEFAULT).run();

      assertEquals(Map.of(ks.get(0), 1, ks.get(4), 1), server.countsByK());
      assertEquals(2, summary.reflected(), "this run reflected the first and the fifth");
      assertEquals(4, summary.cached());

      RunProgress inFlight = heardInFlight.get();
      assertNotNull(inFlight, "a heartbeat while the last request was in flight");
      assertEquals(4, inFlight.cached(), "one cached all along, three stored meanwhile: " + inFlight);
      assertEquals(2, inFlight.toReflect(), "the two targets this run sends: " + inFlight);
      assertEquals(1, inFlight.reflected(), inFlight::toString);
      assertEquals(1, inFlight.remaining(), "the one request in flight is all that is left");
      assertEquals(5, inFlight.done(), inFlight::toString);

      RunProgress last = mine.progress.get(mine.progress.size() - 1);
      assertEquals(0, last.remaining(), last::toString);
      assertEquals(6, last.done(), last::toString);
      assertEquals(100, last.percent(), last::toString);
      assertEquals(summary.cached(), last.cached(), "the last line and the summary agree");
      assertEquals(summary.reflected(), last.reflected(), "the last line and the summary agree");
      assertEquals(server.requestCount(), last.toReflect(), "no more to reflect than was sent");
    }
    assertNoLineGoesBack(mine.progress);
    assertEquals(List.of(), mine.warnings);
  }

  /**
   * A run stopped by its budget says how many targets remain: not those another build stored
   * meanwhile, which are cached, only those nobody has reflected. Its summary counts them so.
   */
  @Test
  void aBudgetStopLeavesOnlyTheTargetsNobodyReflected() throws Exception {
    List<String> ks = PipelineFixture.ks(5);
    List<CacheEntry> others = entriesFor(anotherBuild(5), ks.subList(1, 4));

    PipelineFixture mine = new PipelineFixture(tmp.resolve("mine"), 5);
    try (FakeLlmServer server =
        storingWhileTheFirstIsAnswered(ks.get(0), mine, others, k -> {}).start()) {
      ReflectFailureException e =
          assertThrows(
              ReflectFailureException.class,
              () ->
                  mine.pipeline(server, 1, BudgetsAndFailuresTest.limits(1, 0, BudgetAction.FAIL, "0"))
                      .run());

      assertEquals(1, server.requestCount(), "the budget of one request, spent on the first");
      assertTrue(
          e.getMessage().startsWith("Budget reached (reflect.maxRequests=1 reached): 1 of 5"
              + " targets remain"),
          e.getMessage());
      assertEquals(3, e.summary().cached());
      assertEquals(1, e.summary().reflected());
      assertEquals(1, e.summary().skipped());
      RunProgress last = mine.progress.get(mine.progress.size() - 1);
      assertEquals(1, last.remaining(), "the fifth target, unsent: " + last);
      assertEquals(4, last.done(), last::toString);
    }
    assertNoLineGoesBack(mine.progress);
  }

  @Test
  void aGroupedRequestLeavesOutTheTargetsAnotherBuildStoredMeanwhile() throws Exception {
    String first = record(null, "q0", "a1", "q2", "a3", "q4");
    String second = record(null, "r0", "b1", "r2", "b3", "r4");
    ChatRepo other = new ChatRepo(tmp.resolve("other")).chat("chats.jsonl", first, second);
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      other.run(fake, other.sequential(new HindsightTemplate()), r -> r);
    }
    CacheEntry r0 = entryFor(other.root.resolve("cache"), "r0");

    // The first conversation's request is answered while the second's waits, read and claimed;
    // the other build stores one of its two targets meanwhile.
    ChatRepo mine = new ChatRepo(tmp.resolve("mine")).chat("chats.jsonl", first, second);
    try (FakeLlmServer fake =
        new FakeLlmServer(
                body -> {
                  HindsightPrompt prompt = HindsightPrompt.of(body);
                  if (prompt.question(prompt.targets().get(0)).equals("q0")) {
                    pause(200);
                    store(mine.root.resolve("cache"), r0);
                  }
                  return prompt.reply();
                })
            .start()) {
      RunSummary summary = mine.run(fake, mine.sequential(new HindsightTemplate()), r -> r);

      List<List<Integer>> asked = new ArrayList<>();
      fake.calls().forEach(c -> asked.add(c.hindsight().targets()));
      assertEquals(List.of(List.of(1, 3), List.of(3)), asked, "r0's turn 1 is not asked again");
      assertEquals(0, fake.countFor("r0"));
      assertEquals(3, summary.reflected());
      assertEquals(1, summary.cached());
    }
    assertEquals(List.of(), mine.warnings);
    assertEquals(other.lines("sft.jsonl"), mine.lines("sft.jsonl"));
  }

  @Test
  void aRunOnACacheNobodyElseWritesSendsEveryTargetOnce() throws Exception {
    // The check before each request must not skip what this run itself has not stored yet.
    PipelineFixture fixture = new PipelineFixture(tmp, 12);
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunSummary summary = fixture.pipeline(server, 3, RunLimits.DEFAULT).run();
      assertEquals(12, summary.reflected());
      assertEquals(12, server.requestCount());
      assertTrue(server.countsByK().values().stream().allMatch(n -> n == 1), server.countsByK()::toString);
    }
  }

  /** The other build: a run of its own over the same corpus, which makes the replies it stores. */
  private PipelineFixture anotherBuild(int targets) throws Exception {
    PipelineFixture other = new PipelineFixture(tmp.resolve("other"), targets);
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      other.pipeline(server, 1, RunLimits.DEFAULT).run();
    }
    return other;
  }

  /** The other build's entries for the given Ks, in that order. */
  private static List<CacheEntry> entriesFor(PipelineFixture other, List<String> ks)
      throws IOException {
    List<CacheEntry> entries = new ArrayList<>();
    for (String k : ks) {
      entries.add(entryFor(other.cache(), k));
    }
    return entries;
  }

  /**
   * A fake that, while it answers {@code firstK}, has the other build store {@code others} in
   * {@code mine}'s cache (the first test says where each target is then); every other K goes to
   * {@code onOtherK} before it is answered.
   */
  private static FakeLlmServer storingWhileTheFirstIsAnswered(
      String firstK, PipelineFixture mine, List<CacheEntry> others, Consumer<String> onOtherK) {
    return new FakeLlmServer(
        body -> {
          String k = FakeLlmServer.extractK(body).orElseThrow();
          if (k.equals(firstK)) {
            // The reader reaches the third target within microseconds of handing the first to
            // the pool; the pause only makes sure it has before the store.
            pause(200);
            others.forEach(entry -> store(mine.cache(), entry));
          } else {
            onOtherK.accept(k);
          }
          return FakeLlmServer.seedReply(k);
        });
  }

  /**
   * The next progress report the fixture hears (a heartbeat comes every second), or null after
   * ten seconds.
   */
  private static RunProgress nextProgress(PipelineFixture fixture) {
    int heard = fixture.progress.size();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fixture.progress.size() == heard && System.nanoTime() < deadline) {
      pause(20);
    }
    return fixture.progress.size() > heard ? fixture.progress.get(heard) : null;
  }

  /**
   * Progress only moves forward: what is left to reflect never grows back (a target found stored
   * by another build is taken off once), and what is done never shrinks.
   */
  private static void assertNoLineGoesBack(List<RunProgress> lines) {
    assertFalse(lines.isEmpty(), "the request pass reports at least once");
    for (int i = 1; i < lines.size(); i++) {
      RunProgress before = lines.get(i - 1);
      RunProgress after = lines.get(i);
      assertTrue(after.toReflect() <= before.toReflect(), before + " then " + after);
      assertTrue(after.remaining() <= before.remaining(), before + " then " + after);
      assertTrue(after.done() >= before.done(), before + " then " + after);
    }
  }

  /** The entry of the target whose user message is {@code k} (the fake's answer names it). */
  private static CacheEntry entryFor(Path cacheDir, String k) throws IOException {
    List<CacheEntry> found = new ArrayList<>();
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir, w -> {})) {
      cache.forEachEntry(
          e -> {
            if (e.reflection().answer().equals(FakeLlmServer.answerFor(k))) {
              found.add(e);
            }
          });
    }
    assertEquals(1, found.size(), () -> "entries for " + k + ": " + found);
    return found.get(0);
  }

  private static void store(Path cacheDir, CacheEntry entry) {
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir, w -> {})) {
      cache.put(entry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
