package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import io.github.selfreflect.reflect.filter.Exclusion;
import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The assembled records (each text serialised once and shared) equal the records generated field
 * by field through Jackson, byte for byte.
 */
class DatasetJsonTest {

  /** Escapes, controls, non-ASCII, a pair and lone halves, and long runs that cross buffers. */
  private static final String[] PIECES = {
    "a", " ", "\"", "\\", "/", "\n", "\r\n", "\t", "\u0000", "\u0001", "\u001F", "\u007F",
    "\u00E9", "\u4E2D", "\u2028", "\uD83D\uDE00", "\uD800", "\uDFFF", "word ", "]]]"
  };

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    int pieces = random.nextInt(10) == 0 ? 3000 + random.nextInt(5000) : random.nextInt(30);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  private static final Conversation TRICKY =
      conversation(
          "c1",
          "a/b.jsonl",
          Message.of(Role.SYSTEM, "Be brief. \"Quotes\", \\ backslash, \u0001 control"),
          Message.of(Role.USER, "What is 2+2? 🙂 and a lone \ud800 surrogate"),
          Message.of(Role.ASSISTANT, "5"),
          new Message(Role.ASSISTANT, "", toolCalls(), null, null),
          new Message(Role.TOOL, "4", null, "call_1", "add"),
          new Message(Role.USER, "Really?\nThink again.", null, null, "alice"),
          new Message(Role.ASSISTANT, "4, sorry.", null, null, "bot"),
          Message.of(Role.USER, "Thanks"),
          Message.of(Role.ASSISTANT, "You're welcome."),
          Message.of(Role.USER, "Bye"));

  private static com.fasterxml.jackson.databind.JsonNode toolCalls() {
    try {
      return new ObjectMapper()
          .readTree(
              "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{\\\"a\\\":2}\"}}]");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Conversation conversation(String id, String source, Message... messages) {
    return new Conversation(id, source, 1, List.of(messages));
  }

  private static CacheEntry entry(Reflection reflection, String model) {
    return new CacheEntry(
        "k" + reflection.hashCode(), "seed", model, "a/b.jsonl", "c1", 1, reflection, "{}", Usage.NONE);
  }

  /** What the writer does for one target, compared with the generated records. */
  private static void assertSameRecords(Target target, CacheEntry entry, Exclusion exclusion, RecordPieces pieces) {
    String original = target.originalAnswer().content();
    boolean revise = entry.reflection().verdict() == Verdict.REVISE;
    String answer = revise ? entry.reflection().answer() : original;
    byte[] newAnswer = pieces.literal(entry.reflection().answer());
    byte[] originalMessage = pieces.originalAnswer(target.conversation(), target.index());
    byte[] answerMessage = revise ? pieces.assistant(newAnswer) : originalMessage;
    assertEquals(
        new String(DatasetJson.sft(target, answer), UTF_8),
        new String(DatasetJson.sft(target, answerMessage, pieces).toBytes(), UTF_8));
    assertEquals(
        new String(DatasetJson.preference(target, answer, original), UTF_8),
        new String(DatasetJson.preference(target, answerMessage, originalMessage, pieces).toBytes(), UTF_8));
    assertEquals(
        new String(DatasetJson.reflection(target, entry, exclusion), UTF_8),
        new String(DatasetJson.reflection(target, entry, exclusion, newAnswer, pieces).toBytes(), UTF_8));
  }

  @Test
  void assembledRecordsAreByteForByteTheGeneratedOnes() {
    RecordPieces pieces = new RecordPieces();
    List<Target> targets = Targets.of(TRICKY);
    assertEquals(3, targets.size()); // a named question and a named answer among them
    for (Target target : targets) {
      assertSameRecords(
          target,
          entry(new Reflection("crit \"x\"", "new \"answer\" ✓ \uDE00", Verdict.REVISE), "m"),
          null,
          pieces);
      assertSameRecords(
          target,
          entry(new Reflection("", "", Verdict.KEEP, List.of(1, 3)), "m\u00e9"),
          new Exclusion(FilterReason.DUPLICATE, "the same \"pair\"\n"),
          pieces);
    }
  }

  @Test
  void randomConversationsAssembleToTheGeneratedRecords() {
    Random random = new Random(17);
    RecordPieces pieces = new RecordPieces();
    for (int n = 0; n < 300; n++) {
      List<Message> messages = new ArrayList<>();
      int exchanges = 1 + random.nextInt(4);
      for (int e = 0; e < exchanges; e++) {
        messages.add(Message.of(Role.USER, randomText(random)));
        messages.add(Message.of(Role.ASSISTANT, randomText(random)));
      }
      messages.add(Message.of(Role.USER, randomText(random)));
      Conversation conversation =
          new Conversation(randomText(random), randomText(random), 1, messages);
      for (Target target : Targets.of(conversation)) {
        Reflection reflection =
            new Reflection(
                randomText(random),
                randomText(random),
                random.nextBoolean() ? Verdict.REVISE : Verdict.KEEP,
                random.nextBoolean() ? List.of() : List.of(random.nextInt(9), random.nextInt(9)));
        Exclusion exclusion =
            random.nextInt(3) == 0
                ? new Exclusion(FilterReason.values()[random.nextInt(FilterReason.values().length)], randomText(random))
                : null;
        assertSameRecords(target, entry(reflection, randomText(random)), exclusion, pieces);
      }
    }
  }
}
