package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.filter.Exclusion;
import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.chat.Targets;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetWriterTest {

  @TempDir Path dir;

  /** System prompt and a tool round trip in the history, then K, the target L and hindsight. */
  static Conversation toolConversation() throws IOException {
    JsonNode toolCalls =
        new ObjectMapper()
            .readTree(
                "[{\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"add\",\"arguments\":\"{}\"}}]");
    return new Conversation(
        "conv-1",
        "shop/tools.jsonl",
        7,
        List.of(
            Message.of(Role.SYSTEM, "You are terse."),
            Message.of(Role.USER, "Add 2 and 2."),
            new Message(Role.ASSISTANT, "", toolCalls, null, null),
            new Message(Role.TOOL, "4", null, "call_1", "add"),
            Message.of(Role.ASSISTANT, "4."),
            Message.of(Role.USER, "And times 3?"),
            Message.of(Role.ASSISTANT, "7."),
            Message.of(Role.USER, "That's wrong."),
            Message.of(Role.ASSISTANT, "Sorry: 12.")));
  }

  static Conversation plainConversation() {
    return new Conversation(
        "conv-2",
        "shop/plain.jsonl",
        1,
        List.of(
            Message.of(Role.USER, "Capital of France?"),
            Message.of(Role.ASSISTANT, "Paris."),
            Message.of(Role.USER, "Thanks!")));
  }

  static CacheEntry reflection(Target target, String critique, String answer, Verdict verdict) {
    return new CacheEntry(
        "key-" + target.conversation().id() + "-" + target.index(),
        "seed",
        "gpt-4o",
        target.conversation().sourceFile(),
        target.conversation().id(),
        target.index(),
        new Reflection(critique, answer, verdict),
        "{}",
        new Usage(10, 0, 5));
  }

  private Target toolTarget() throws IOException {
    List<Target> targets = Targets.of(toolConversation());
    assertEquals(1, targets.size());
    assertEquals(6, targets.get(0).index());
    return targets.get(0);
  }

  private Target plainTarget() {
    return Targets.of(plainConversation()).get(0);
  }

  /** Writes the fixed dataset: a REVISE, a KEEP and a failure. */
  private List<OutputFile> writeFixture(Path out) throws IOException {
    try (DatasetWriter writer = DatasetWriter.open(out)) {
      Target tool = toolTarget();
      writer.write(tool, reflection(tool, "3 × 4 is 12, not 7.", "(2 + 2) × 3 = 12.", Verdict.REVISE));
      Target plain = plainTarget();
      writer.write(plain, reflection(plain, "Correct and brief.", "", Verdict.KEEP));
      writer.writeFailure(plain, "model reply was not JSON");
      return writer.finish();
    }
  }

  private String read(String name) throws IOException {
    return Files.readString(dir.resolve(name), UTF_8);
  }

  @Test
  void writesTheExpectedLinesForHistoryWithSystemPromptAndToolCall() throws IOException {
    writeFixture(dir);

    String history =
        "{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Add 2 and 2.\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"content\":\"4\",\"name\":\"add\",\"tool_call_id\":\"call_1\"},"
            + "{\"role\":\"assistant\",\"content\":\"4.\"},"
            + "{\"role\":\"user\",\"content\":\"And times 3?\"}";
    // In sft.jsonl the history's answers are context only: OpenAI's weight 0 on each.
    String sftHistory =
        "{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Add 2 and 2.\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{}\"}}],"
            + "\"weight\":0},"
            + "{\"role\":\"tool\",\"content\":\"4\",\"name\":\"add\",\"tool_call_id\":\"call_1\"},"
            + "{\"role\":\"assistant\",\"content\":\"4.\",\"weight\":0},"
            + "{\"role\":\"user\",\"content\":\"And times 3?\"}";
    assertEquals(
        "{\"messages\":["
            + sftHistory
            + ",{\"role\":\"assistant\",\"content\":\"(2 + 2) × 3 = 12.\",\"weight\":1}]}\n"
            + "{\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"},"
            + "{\"role\":\"assistant\",\"content\":\"Paris.\",\"weight\":1}]}\n",
        read("sft.jsonl"));
    assertEquals(
        "{\"prompt\":["
            + history
            + "],\"chosen\":[{\"role\":\"assistant\",\"content\":\"(2 + 2) × 3 = 12.\"}],"
            + "\"rejected\":[{\"role\":\"assistant\",\"content\":\"7.\"}]}\n",
        read("preference.jsonl"));
    assertEquals(
        "{\"source\":\"shop/tools.jsonl\",\"conversation\":\"conv-1\",\"turn\":6,"
            + "\"question\":\"And times 3?\",\"original\":\"7.\",\"critique\":\"3 × 4 is 12, not 7.\","
            + "\"answer\":\"(2 + 2) × 3 = 12.\",\"verdict\":\"revise\",\"evidence\":[],\"model\":\"gpt-4o\","
            + "\"template\":\"seed\",\"key\":\"key-conv-1-6\",\"filter\":null}\n"
            + "{\"source\":\"shop/plain.jsonl\",\"conversation\":\"conv-2\",\"turn\":1,"
            + "\"question\":\"Capital of France?\",\"original\":\"Paris.\","
            + "\"critique\":\"Correct and brief.\",\"answer\":\"\",\"verdict\":\"keep\","
            + "\"evidence\":[],\"model\":\"gpt-4o\",\"template\":\"seed\",\"key\":\"key-conv-2-1\",\"filter\":null}\n",
        read("reflections.jsonl"));
    assertEquals(
        "{\"source\":\"shop/plain.jsonl\",\"conversation\":\"conv-2\",\"turn\":1,"
            + "\"reason\":\"model reply was not JSON\"}\n",
        read("failures.jsonl"));
  }

  @Test
  void anExcludedTargetIsWrittenToReflectionsOnlyWithItsReason() throws IOException {
    try (DatasetWriter writer = DatasetWriter.open(dir)) {
      Target plain = plainTarget();
      writer.write(
          plain,
          reflection(plain, "Fine.", "Paris.", Verdict.REVISE),
          new Exclusion(FilterReason.IDENTICAL, "same text"));
      writer.finish();
    }

    assertEquals("", read("sft.jsonl"));
    assertEquals("", read("preference.jsonl"));
    assertTrue(
        read("reflections.jsonl")
            .endsWith(
                "\"key\":\"key-conv-2-1\",\"filter\":{\"reason\":\"identical\",\"detail\":\"same text\"}}\n"),
        read("reflections.jsonl"));
  }

  @Test
  void writesTextAsUtf8WithOnlyTheEscapesJsonRequires() throws IOException {
    Conversation conversation =
        new Conversation(
            "c",
            "f.jsonl",
            1,
            List.of(
                Message.of(Role.USER, "Würfel 🎲?\n\"quote\""),
                Message.of(Role.ASSISTANT, "Ja."),
                Message.of(Role.USER, "Danke")));
    Target target = Targets.of(conversation).get(0);
    try (DatasetWriter writer = DatasetWriter.open(dir)) {
      writer.write(target, reflection(target, "c", "Ja 🎲.", Verdict.REVISE));
      writer.finish();
    }
    assertEquals(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Würfel 🎲?\\n\\\"quote\\\"\"},"
            + "{\"role\":\"assistant\",\"content\":\"Ja 🎲.\",\"weight\":1}]}\n",
        read("sft.jsonl"));
  }

  @Test
  void keepWritesTheOriginalAnswerToSftAndNoPreferencePair() throws IOException {
    List<OutputFile> files;
    try (DatasetWriter writer = DatasetWriter.open(dir)) {
      Target plain = plainTarget();
      writer.write(plain, reflection(plain, "Fine.", "Paris, of course.", Verdict.KEEP));
      files = writer.finish();
    }
    assertEquals(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"},"
            + "{\"role\":\"assistant\",\"content\":\"Paris.\",\"weight\":1}]}\n",
        read("sft.jsonl"));
    assertEquals("", read("preference.jsonl"));
    assertEquals("", read("failures.jsonl"), "written even when empty");
    assertEquals(
        List.of(0L, 0L, 1L, 1L), files.stream().map(OutputFile::records).collect(Collectors.toList()));
  }

  @Test
  void anAnswerReflectionRejectedIsContextNotTrainingDataInTheLaterTargetsSftRecords()
      throws IOException {
    Conversation conversation =
        new Conversation(
            "conv-3",
            "shop/coin.jsonl",
            1,
            List.of(
                Message.of(Role.USER, "Toss a coin: how many sides can come up?"),
                Message.of(Role.ASSISTANT, "Three."),
                Message.of(Role.USER, "How can a coin have 3 sides?"),
                Message.of(Role.ASSISTANT, "Sorry: two, heads or tails."),
                Message.of(Role.USER, "Thanks.")));
    List<Target> targets = Targets.of(conversation);
    try (DatasetWriter writer = DatasetWriter.open(dir)) {
      Target wrong = targets.get(0);
      writer.write(wrong, reflection(wrong, "A coin has two sides.", "Two.", Verdict.REVISE));
      Target right = targets.get(1);
      writer.write(right, reflection(right, "Correct.", "", Verdict.KEEP));
      writer.finish();
    }

    List<JsonNode> sft = lines("sft.jsonl");
    assertEquals(2, sft.size());
    JsonNode later = sft.get(1).get("messages");
    assertEquals("Three.", later.get(1).get("content").asText(), "the log's history, as it was");
    assertEquals(0, later.get(1).get("weight").intValue(), "...but not trained on");
    assertEquals("Sorry: two, heads or tails.", later.get(3).get("content").asText());
    assertEquals(1, later.get(3).get("weight").intValue());
    for (JsonNode record : sft) {
      for (JsonNode message : record.get("messages")) {
        assertEquals(
            message.get("role").asText().equals("assistant"), message.has("weight"), message.toString());
      }
    }
    assertEquals(1, sft.get(0).get("messages").get(1).get("weight").intValue());
    assertEquals("Two.", sft.get(0).get("messages").get(1).get("content").asText());
  }

  private List<JsonNode> lines(String name) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(name), UTF_8)) {
      records.add(mapper.readTree(line));
    }
    return records;
  }

  @Test
  void finishDescribesEveryFileInNameOrderWithTheDigestOfItsBytesOnDisk() throws Exception {
    List<OutputFile> files = writeFixture(dir);

    assertEquals(
        List.of("failures.jsonl", "preference.jsonl", "reflections.jsonl", "sft.jsonl"),
        files.stream().map(OutputFile::name).collect(Collectors.toList()));
    for (OutputFile file : files) {
      byte[] bytes = Files.readAllBytes(dir.resolve(file.name()));
      assertEquals(sha256(bytes), file.sha256(), file.name());
      assertEquals(bytes.length, file.bytes(), file.name());
      assertEquals(
          new String(bytes, UTF_8).chars().filter(c -> c == '\n').count(),
          file.records(),
          file.name());
    }
    assertEquals(List.of(1L, 1L, 2L, 2L), files.stream().map(OutputFile::records).toList());
  }

  @Test
  void theSameInputsGiveTheSameBytes() throws IOException {
    List<OutputFile> first = writeFixture(dir.resolve("a"));
    List<OutputFile> second = writeFixture(dir.resolve("b"));
    List<OutputFile> again = writeFixture(dir.resolve("a"));
    assertEquals(first, second);
    assertEquals(first, again);
    for (String name : DatasetWriter.FILE_NAMES) {
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("a").resolve(name)),
          Files.readAllBytes(dir.resolve("b").resolve(name)));
    }
  }

  @Test
  void finishLeavesNoPartialFiles() throws IOException {
    writeFixture(dir);
    assertEquals(
        List.of("failures.jsonl", "preference.jsonl", "reflections.jsonl", "sft.jsonl"),
        listing(dir));
  }

  @Test
  void aWriterClosedWithoutFinishLeavesNothingUnderTheRealNames() throws IOException {
    DatasetWriter writer = DatasetWriter.open(dir);
    Target plain = plainTarget();
    writer.write(plain, reflection(plain, "c", "a", Verdict.REVISE));
    assertTrue(Files.exists(dir.resolve(".sft.jsonl.partial")), "written under a partial name");
    assertFalse(Files.exists(dir.resolve("sft.jsonl")));
    writer.close(); // the build failed before finish()
    writer.close();
    assertEquals(List.of(), listing(dir));
  }

  @Test
  void openingRemovesThePreviousBuildsDatasetButNothingElse() throws IOException {
    Files.writeString(dir.resolve("sft.jsonl"), "old\n");
    Files.writeString(dir.resolve("manifest.json"), "{}\n");
    Files.writeString(dir.resolve("notes.txt"), "mine\n");
    try (DatasetWriter writer = DatasetWriter.open(dir)) {
      assertEquals(
          List.of(
              ".failures.jsonl.partial",
              ".preference.jsonl.partial",
              ".reflections.jsonl.partial",
              ".sft.jsonl.partial",
              "notes.txt"),
          listing(dir));
    }
    assertEquals(List.of("notes.txt"), listing(dir));
  }

  @Test
  void aFinishedWriterTakesNoMoreRecords() throws IOException {
    DatasetWriter writer = DatasetWriter.open(dir);
    writer.finish();
    Target plain = plainTarget();
    assertThrows(IllegalStateException.class, () -> writer.writeFailure(plain, "late"));
    assertThrows(IllegalStateException.class, writer::finish);
    writer.close();
    assertEquals(4, listing(dir).size(), "close after finish keeps the files");
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void writesOnlyTheChosenFormatsAndAlwaysFailures() throws IOException {
    writeFixture(dir); // an earlier build with every format
    List<OutputFile> files;
    try (DatasetWriter writer = DatasetWriter.open(dir, java.util.Set.of(DatasetFormat.SFT))) {
      Target plain = plainTarget();
      writer.write(plain, reflection(plain, "Correct and brief.", "", Verdict.KEEP));
      files = writer.finish();
    }
    assertEquals(
        List.of("failures.jsonl", "sft.jsonl"), files.stream().map(OutputFile::name).toList());
    // The earlier build's other files are gone, so nothing stale can be packed by mistake.
    assertFalse(Files.exists(dir.resolve("preference.jsonl")));
    assertFalse(Files.exists(dir.resolve("reflections.jsonl")));
    assertEquals(1, files.get(1).records());
  }

  @Test
  void anExcludedTargetWithoutTheReflectionsFormatIsWrittenNowhere() throws IOException {
    List<OutputFile> files;
    try (DatasetWriter writer =
        DatasetWriter.open(dir, java.util.Set.of(DatasetFormat.SFT, DatasetFormat.PREFERENCE))) {
      Target plain = plainTarget();
      writer.write(
          plain,
          reflection(plain, "Fine.", "Paris.", Verdict.REVISE),
          new Exclusion(FilterReason.IDENTICAL, "same text"));
      files = writer.finish();
    }
    assertEquals(
        List.of("failures.jsonl", "preference.jsonl", "sft.jsonl"),
        files.stream().map(OutputFile::name).toList());
    assertEquals(0, files.stream().mapToLong(OutputFile::records).sum());
    assertFalse(Files.exists(dir.resolve("reflections.jsonl")));
  }
}
