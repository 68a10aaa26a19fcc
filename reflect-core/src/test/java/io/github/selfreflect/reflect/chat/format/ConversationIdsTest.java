package io.github.selfreflect.reflect.chat.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.chat.Conversation;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationIdsTest {

  private static final String TOY_CHAT =
      "openai-messages/openai-cookbook-toy_chat_fine_tuning.jsonl";

  @TempDir Path dir;

  @Test
  void aRecordsOwnIdIsKeptWhetherStringOrNumber() {
    assertEquals(
        List.of("a-7", "42", "3.5"),
        ids(
            "own.jsonl",
            """
            {"id": "a-7", "messages": [{"role": "user", "content": "x"}]}
            {"id": 42, "messages": [{"role": "user", "content": "y"}]}
            {"id": 3.5, "messages": [{"role": "user", "content": "z"}]}
            """));
  }

  @Test
  void derivedIdsAreTheSameOnEveryRead() {
    List<String> first = ReadChats.readCorpus(TOY_CHAT).stream().map(Conversation::id).toList();
    List<String> second = ReadChats.readCorpus(TOY_CHAT).stream().map(Conversation::id).toList();

    assertEquals(first, second);
    assertEquals(5, new HashSet<>(first).size());
    first.forEach(id -> assertTrue(id.matches("[0-9a-f]{16}"), id));
  }

  @Test
  void derivedIdsArePinnedToFileNameAndContent() {
    // Pinned so that a change to the derivation, which would orphan every cached reflection, is
    // noticed: SHA-256 of "chat.jsonl\n" + the canonical record, first 16 hex digits (checked
    // independently with Python: json.dumps(record, separators=(",", ":"), sort_keys=True)).
    assertEquals(
        List.of("7f98ebe092083985"),
        ids("chat.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n"));
  }

  @Test
  void derivedIdsDifferForDifferentContentOrFileName() {
    String hi = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n";
    String ho = "{\"messages\": [{\"role\": \"user\", \"content\": \"ho\"}]}\n";

    String inA = ids("a.jsonl", hi).get(0);
    assertNotEquals(inA, ids("a.jsonl", ho).get(0));
    assertNotEquals(inA, ids("b.jsonl", hi).get(0));
  }

  @Test
  void derivedIdsIgnoreLayoutAndKeyOrder() {
    Path compact =
        ReadChats.write(
            dir,
            "compact.jsonl",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"label\":true}\n");
    Path pretty =
        ReadChats.write(
            dir,
            "pretty.json",
            """
            [
              {
                "label": true,
                "messages": [ { "content": "hi", "role": "user" } ]
              }
            ]
            """);

    // Same name on purpose: the name is part of the id, the layout must not be.
    assertEquals(
        ReadChats.readAll(compact, "chats/day1.jsonl").get(0).id(),
        ReadChats.readAll(pretty, "chats/day1.jsonl").get(0).id());
  }

  @Test
  void repeatedIdsInOneFileGetNumberedSuffixes() {
    String same = "{\"messages\": [{\"role\": \"user\", \"content\": \"same\"}]}\n";
    List<String> derived = ids("dup.jsonl", same + same + same);
    String base = derived.get(0);
    assertEquals(List.of(base, base + "-2", base + "-3"), derived);

    assertEquals(
        List.of("x", "x-2", "x-2-2", "x-3"),
        ids(
            "own-dup.jsonl",
            """
            {"id": "x", "messages": [{"role": "user", "content": "1"}]}
            {"id": "x", "messages": [{"role": "user", "content": "2"}]}
            {"id": "x-2", "messages": [{"role": "user", "content": "3"}]}
            {"id": "x", "messages": [{"role": "user", "content": "4"}]}
            """));
  }

  @Test
  void idsAreUniquePerFileNotAcrossFiles() {
    String record = "{\"id\": \"x\", \"messages\": [{\"role\": \"user\", \"content\": \"1\"}]}\n";

    assertEquals(List.of("x"), ids("one.jsonl", record));
    assertEquals(List.of("x"), ids("two.jsonl", record));
  }

  private List<String> ids(String name, String text) {
    return ReadChats.readAll(ReadChats.write(dir, name, text), name).stream()
        .map(Conversation::id)
        .toList();
  }
}
