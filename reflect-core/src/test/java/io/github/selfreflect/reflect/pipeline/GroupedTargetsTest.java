package io.github.selfreflect.reflect.pipeline;

import static io.github.selfreflect.reflect.pipeline.ChatRepo.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.llm.TokenEstimator;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import io.github.selfreflect.reflect.testing.HindsightPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several targets of one conversation in one request, each checked and cached on its own. */
class GroupedTargetsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String THREE_TARGETS = record(null, "q0", "a1", "q2", "a3", "q4", "a5", "q6");
  private static final String ONE_TARGET = record(null, "r0", "b1", "r2");

  @TempDir Path dir;

  private static List<List<Integer>> targetsAsked(FakeLlmServer fake) {
    List<List<Integer>> asked = new ArrayList<>();
    fake.calls().forEach(c -> asked.add(c.hindsight().targets()));
    return asked;
  }

  @Test
  void allTargetsOfAConversationGoInOneRequestAndAreCachedOneByOne() throws Exception {
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", THREE_TARGETS, ONE_TARGET);
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      RunSummary first = repo.run(fake, repo.sequential(new HindsightTemplate()), r -> r);
      assertEquals(4, first.reflected());
      assertEquals(List.of(List.of(1, 3, 5), List.of(1)), targetsAsked(fake));
      assertEquals(2, first.requests());
      List<String> sft = repo.lines("sft.jsonl");
      assertEquals(4, sft.size());
      for (int i = 0; i < 3; i++) {
        JsonNode messages = MAPPER.readTree(sft.get(i)).get("messages");
        assertEquals(FakeLlmServer.answerFor("q" + (2 * i)), messages.get(messages.size() - 1).get("content").asText());
      }
      List<String> cache = Files.readAllLines(dir.resolve("cache/v1/reflections.jsonl"));
      assertEquals(4, cache.size(), "one cache entry per target");
      List<Integer> turns = new ArrayList<>();
      for (String line : cache) {
        turns.add(MAPPER.readTree(line).get("turn").asInt());
      }
      assertEquals(List.of(1, 3, 5, 1), turns);

      RunSummary rerun = repo.run(fake, repo.sequential(new HindsightTemplate()), r -> r);
      assertEquals(4, rerun.cached());
      assertEquals(2, fake.requestCount(), "a rerun sends nothing");
    }
  }

  @Test
  void targetsPerRequestCapsAGroup() throws Exception {
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", THREE_TARGETS);
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      repo.run(fake, repo.sequential(new HindsightTemplate()).withTargetsPerRequest(2), r -> r);
      assertEquals(List.of(List.of(1, 3), List.of(5)), targetsAsked(fake));
    }
  }

  /**
   * With a hindsight window each target sees its own cut of the conversation, so none are grouped;
   * each is cached under its own windowed request's key, which a rerun (and reflect:status) finds.
   */
  @Test
  void aHindsightWindowSendsOneTargetPerRequest() throws Exception {
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", THREE_TARGETS);
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      ReflectRequest windowed = withWindow(repo.sequential(new HindsightTemplate()), 1);
      RunSummary first = repo.run(fake, windowed, r -> r);
      assertEquals(3, first.reflected());
      assertEquals(3, first.requests());
      assertEquals(List.of(List.of(1), List.of(3), List.of(5)), targetsAsked(fake));
      // Target 1 is shown q2 (the next exchange) and no further; target 5 ends the conversation.
      String firstPrompt = fake.calls().get(0).body();
      assertTrue(firstPrompt.contains("q2") && !firstPrompt.contains("q4"), firstPrompt);

      RunSummary rerun = repo.run(fake, windowed, r -> r);
      assertEquals(3, rerun.cached());
      assertEquals(3, fake.requestCount(), "each target is cached under its windowed key");
      StatusReport status = ReflectStatus.of(windowed, TokenEstimator.approximate(), repo.listener());
      assertEquals(3, status.cached(), status.toString());
      assertEquals(0, status.toReflect(), status.toString());
    }
  }

  private static ReflectRequest withWindow(ReflectRequest r, int window) {
    return r.toBuilder().window(window).build();
  }

  @Test
  void theTemplatesCapHoldsForLongConversations() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      texts.add("m" + i);
    }
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", record(null, texts.toArray(new String[0])));
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      RunSummary summary = repo.run(fake, repo.sequential(new HindsightTemplate()).withTargetsPerRequest(100), r -> r);
      assertEquals(10, summary.reflected());
      assertEquals(List.of(List.of(1, 3, 5, 7, 9, 11, 13, 15), List.of(17, 19)), targetsAsked(fake));
    }
  }

  @Test
  void theSeedStillSendsOneRequestPerTarget() throws Exception {
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", THREE_TARGETS);
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      repo.run(fake, repo.sequential(PromptTemplates.byId("seed")), r -> r);
      assertEquals(List.of("q0", "q2", "q4"), fake.calls().stream().map(c -> c.k().orElseThrow()).toList());
    }
  }

  /** The server drops turn 3 from its reply and botches turn 5; only those two are asked again. */
  @Test
  void aMissingOrInvalidResultIsAskedForAlone() throws Exception {
    Function<JsonNode, String> replier =
        body -> {
          HindsightPrompt prompt = HindsightPrompt.of(body);
          ObjectNode root = MAPPER.createObjectNode();
          for (int target : prompt.targets()) {
            ObjectNode result = prompt.result(target, "revise");
            if (prompt.targets().size() > 1 && target == 3) {
              continue;
            }
            if (prompt.targets().size() > 1 && target == 5) {
              result.put("verdict", "rewrite");
            }
            root.withArray("results").add(result);
          }
          return root.toString();
        };
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", THREE_TARGETS);
    try (FakeLlmServer fake = new FakeLlmServer(replier).start()) {
      RunSummary summary = repo.run(fake, repo.sequential(new HindsightTemplate()), r -> r);
      assertEquals(3, summary.reflected());
      assertEquals(0, summary.failed());
      assertEquals(List.of(List.of(1, 3, 5), List.of(3), List.of(5)), targetsAsked(fake));
      assertTrue(repo.warnings.contains("Unusable result for chats.jsonl:1 conversation " + conversationId(repo) + " turn 5 in a reply for turns [1, 3, 5]: turn 5: verdict is 'rewrite', expected revise or keep; asking about it alone"), repo.warnings.toString());
      assertTrue(repo.warnings.stream().anyMatch(w -> w.contains("turn 3 in a reply for turns [1, 3, 5]: reply has no result for turn 3")), repo.warnings.toString());
    }
  }

  @Test
  void aCutOffReplyAsksAboutEachTurnAlone() throws Exception {
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", THREE_TARGETS);
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      fake.enqueueFault(Fault.finishLength());
      RunSummary summary = repo.run(fake, repo.sequential(new HindsightTemplate()), r -> r);
      assertEquals(3, summary.reflected());
      assertEquals(List.of(List.of(1, 3, 5), List.of(1), List.of(3), List.of(5)), targetsAsked(fake));
    }
  }

  /**
   * Caching stays exact: the hindsight prompt shows the whole conversation, so an edited message
   * re-reflects every target of its conversation, together, and nothing else.
   */
  @Test
  void anEditReReflectsTheTargetsItCanAffect() throws Exception {
    ChatRepo repo = new ChatRepo(dir).chat("chats.jsonl", THREE_TARGETS, ONE_TARGET);
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      repo.run(fake, repo.sequential(new HindsightTemplate()), r -> r);
      repo.chat("chats.jsonl", THREE_TARGETS, record(null, "r0", "b1", "r2 (edited)"));
      RunSummary edited = repo.run(fake, repo.sequential(new HindsightTemplate()), r -> r);
      assertEquals(3, edited.cached());
      assertEquals(1, edited.reflected());
      assertEquals(List.of(List.of(1, 3, 5), List.of(1), List.of(1)), targetsAsked(fake));
      assertEquals("r2 (edited)", fake.calls().get(2).hindsight().content(2));
    }
  }

  @Test
  void usageIsSplitOverTheTargetsAReplyServed() {
    assertEquals(
        List.of(new Usage(35, 2, 11), new Usage(33, 0, 10), new Usage(33, 0, 10)),
        Reflector.shares(new Usage(101, 2, 31), 3));
  }

  private static String conversationId(ChatRepo repo) throws Exception {
    return MAPPER.readTree(repo.lines("reflections.jsonl").get(0)).get("conversation").asText();
  }
}
