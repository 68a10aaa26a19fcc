package io.github.selfreflect.reflect.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a corpus of {@code targets} small ShareGPT conversations, each with exactly one target
 * (an answer followed by a later user turn) whose user message is unique, so every target is its
 * own request.
 */
final class SyntheticCorpus {

  private SyntheticCorpus() {}

  static void write(Path chats, int targets) throws IOException {
    Files.createDirectories(chats);
    try (BufferedWriter out =
        Files.newBufferedWriter(chats.resolve("synthetic.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < targets; i++) {
        out.write(
            "{\"id\":\"c" + i + "\",\"conversations\":["
                + "{\"from\":\"human\",\"value\":\"Question number " + i + ": how do I boil an egg?\"},"
                + "{\"from\":\"gpt\",\"value\":\"Boil it for a while.\"},"
                + "{\"from\":\"human\",\"value\":\"How long exactly? It came out runny.\"}]}\n");
      }
    }
  }
}
