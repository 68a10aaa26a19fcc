package io.github.selfreflect.reflect.chat.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large generated files are read through one conversation at a time, with every record counted and
 * numbered, while the test holds nothing but the current conversation. That memory stays flat is by
 * construction (the readers hold one record's tree at a time) and is not measured here: heap
 * figures inside a unit test are too noisy to assert on.
 */
class StreamingTest {

  private static final int RECORDS = 100_000;

  @TempDir Path dir;

  @Test
  void aLargeJsonLinesFileStreams() throws IOException {
    Path file = dir.resolve("large.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < RECORDS; i++) {
        out.write(record(i));
        out.write('\n');
      }
    }

    assertCounted(file, "large.jsonl", 1);
  }

  @Test
  void aLargeJsonArrayStreams() throws IOException {
    Path file = dir.resolve("large.json");
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("[\n");
      for (int i = 0; i < RECORDS; i++) {
        out.write(record(i));
        out.write(i + 1 < RECORDS ? ",\n" : "\n");
      }
      out.write("]\n");
    }

    assertCounted(file, "large.json", 2);
  }

  private static void assertCounted(Path file, String name, long firstLine) throws IOException {
    long count = 0;
    long lastLine = 0;
    try (ConversationSource source = ChatReaders.open(file, name, InvalidRecordHandler.FAIL)) {
      while (source.hasNext()) {
        Conversation conversation = source.next();
        count++;
        lastLine = conversation.line();
      }
    }
    assertEquals(RECORDS, count);
    assertEquals(firstLine + RECORDS - 1, lastLine);
  }

  private static String record(int i) {
    return "{\"conversations\": [{\"from\": \"human\", \"value\": \"question "
        + i
        + "\"}, {\"from\": \"gpt\", \"value\": \"answer "
        + i
        + "\"}]}";
  }
}
