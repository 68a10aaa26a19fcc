package io.github.selfreflect.reflect.pipeline;

import static io.github.selfreflect.reflect.pipeline.ChatRepo.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's template file drives the requests, and its content is part of every cache key. */
class TemplateFilePipelineTest {

  private static final Pattern TARGET = Pattern.compile("Review turn\\(s\\) (\\d+)\\.$");

  @TempDir Path dir;

  private static String reply(JsonNode body) {
    String user = body.at("/messages/1/content").asText();
    Matcher m = TARGET.matcher(user);
    assertTrue(m.find(), user);
    int turn = Integer.parseInt(m.group(1));
    return "{\"results\":[{\"turn\":" + turn + ",\"critique\":\"c\",\"verdict\":\"revise\",\"answer\":\"a\",\"evidence\":[]}]}";
  }

  @Test
  void editingTheFileReReflectsWhatItRenders() throws Exception {
    Path file = dir.resolve("review.mustache");
    Files.copy(Path.of("src/test/resources/templates/review.mustache"), file);
    ChatRepo repo =
        new ChatRepo(dir.resolve("repo"))
            .chat("chats.jsonl", record(null, "q0", "a1", "q2"), record(null, "r0", "b1", "r2"));
    try (FakeLlmServer fake = new FakeLlmServer(TemplateFilePipelineTest::reply).start()) {
      assertEquals(2, repo.run(fake, repo.sequential(HindsightTemplate.fromFile(file)), r -> r).reflected());
      assertEquals(
          "Conversation:\n[0] user: \"q0\"\n[1] assistant: \"a1\"\n[2] user: \"q2\"\nReview turn(s) 1.",
          fake.requestJson().get(0).at("/messages/1/content").asText());
      assertEquals(0, repo.run(fake, repo.sequential(HindsightTemplate.fromFile(file)), r -> r).reflected(), "unchanged: all cached");
      Files.writeString(file, Files.readString(file).replace("strict", "gentle"));
      RunSummary edited = repo.run(fake, repo.sequential(HindsightTemplate.fromFile(file)), r -> r);
      assertEquals(2, edited.reflected());
      assertEquals(4, fake.requestCount());
      assertTrue(fake.requestJson().get(3).at("/messages/0/content").asText().startsWith("You are a gentle reviewer."));
    }
  }
}
