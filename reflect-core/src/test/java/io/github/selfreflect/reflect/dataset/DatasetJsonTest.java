package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.IOException;
import java.io.UncheckedIOException;
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

  /**
   * What the writer does for one target (an SFT record whatever the verdict, a preference pair for
   * a revise), compared with the generated records; the generated ones are checked further.
   */
  private static void assertSameRecords(Target target, CacheEntry entry, Exclusion exclusion, RecordPieces pieces) {
    String original = target.originalAnswer().content();
    boolean revise = entry.reflection().verdict() == Verdict.REVISE;
    String answer = revise ? entry.reflection().answer() : original;
    byte[] newAnswer = pieces.literal(entry.reflection().answer());
    byte[] sftAnswer = revise ? newAnswer : pieces.content(target.conversation(), target.index());
    byte[] sft = DatasetJson.sft(target, answer);
    assertEquals(
        new String(sft, UTF_8),
        new String(DatasetJson.sft(target, sftAnswer, pieces).toBytes(), UTF_8));
    assertWeights(target, answer, sft);
    if (revise) {
      byte[] originalMessage = pieces.originalAnswer(target.conversation(), target.index());
      byte[] preference = DatasetJson.preference(target, answer, original);
      assertEquals(
          new String(preference, UTF_8),
          new String(
              DatasetJson.preference(target, pieces.assistant(newAnswer), originalMessage, pieces).toBytes(),
              UTF_8));
      assertFalse(new String(preference, UTF_8).contains("\"weight\""), "no weights in a preference pair");
    }
    byte[] reflection = DatasetJson.reflection(target, entry, exclusion);
    assertEquals(
        new String(reflection, UTF_8),
        new String(DatasetJson.reflection(target, entry, exclusion, newAnswer, pieces).toBytes(), UTF_8));
    assertEquals(entry.reflection().evidence(), evidence(reflection));
  }

  /**
   * The SFT record is the history, K and the answer, and only assistant messages have a weight: 0
   * in the history, 1 on the answer.
   */
  private static void assertWeights(Target target, String answer, byte[] sft) {
    JsonNode messages = read(sft).get("messages");
    assertEquals(target.index() + 1, messages.size());
    for (int i = 0; i < target.index(); i++) {
      Message m = target.conversation().messages().get(i);
      JsonNode written = messages.get(i);
      assertEquals(m.role().wireName(), written.get("role").asText());
      assertEquals(m.content(), written.get("content").asText());
      if (m.role() == Role.ASSISTANT) {
        assertEquals(0, written.get("weight").intValue(), "history answer " + i + ": " + written);
        assertTrue(written.get("weight").isInt());
      } else {
        assertFalse(written.has("weight"), "message " + i + ": " + written);
      }
    }
    JsonNode last = messages.get(target.index());
    assertEquals("assistant", last.get("role").asText());
    assertEquals(answer, last.get("content").asText());
    assertEquals(1, last.get("weight").intValue(), last.toString());
    assertEquals(List.of("role", "content", "weight"), fieldNames(last));
  }

  private static List<Integer> evidence(byte[] reflection) {
    JsonNode evidence = read(reflection).get("evidence");
    assertTrue(evidence != null && evidence.isArray(), "evidence is always an array");
    List<Integer> turns = new ArrayList<>();
    evidence.forEach(turn -> turns.add(turn.intValue()));
    return turns;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode read(byte[] record) {
    try {
      return new ObjectMapper().readTree(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
  void sftHistoryAnswersWeighZeroAndTheAnswerOneWhateverTheirFields() {
    RecordPieces pieces = new RecordPieces();
    Target last = Targets.of(TRICKY).get(2);
    String expected =
        "{\"messages\":["
            + "{\"role\":\"system\",\"content\":\"Be brief. \\\"Quotes\\\", \\\\ backslash, \\u0001 control\"},"
            + "{\"role\":\"user\",\"content\":\"What is 2+2? 🙂 and a lone \\uD800 surrogate\"},"
            + "{\"role\":\"assistant\",\"content\":\"5\",\"weight\":0},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"add\",\"arguments\":\"{\\\"a\\\":2}\"}}],\"weight\":0},"
            + "{\"role\":\"tool\",\"content\":\"4\",\"name\":\"add\",\"tool_call_id\":\"call_1\"},"
            + "{\"role\":\"user\",\"content\":\"Really?\\nThink again.\",\"name\":\"alice\"},"
            + "{\"role\":\"assistant\",\"content\":\"4, sorry.\",\"name\":\"bot\",\"weight\":0},"
            + "{\"role\":\"user\",\"content\":\"Thanks\"},"
            + "{\"role\":\"assistant\",\"content\":\"You are welcome!\",\"weight\":1}]}";
    assertEquals(expected, new String(DatasetJson.sft(last, "You are welcome!"), UTF_8));
    assertEquals(
        expected,
        new String(DatasetJson.sft(last, pieces.literal("You are welcome!"), pieces).toBytes(), UTF_8));
  }

  @Test
  void sftWeightsDoNotLeakIntoThePreferencePromptOfTheSameConversation() {
    RecordPieces pieces = new RecordPieces();
    Target last = Targets.of(TRICKY).get(2);
    byte[] answer = pieces.literal("Bye!");
    // The SFT record first, so that the conversation's weighted pieces exist when the pair is made.
    DatasetJson.sft(last, answer, pieces);
    String pair =
        new String(
            DatasetJson.preference(
                    last, pieces.assistant(answer), pieces.originalAnswer(TRICKY, 8), pieces)
                .toBytes(),
            UTF_8);
    assertEquals(new String(DatasetJson.preference(last, "Bye!", "You're welcome."), UTF_8), pair);
    assertTrue(pair.contains("{\"role\":\"assistant\",\"content\":\"5\"},"), pair);
    assertFalse(pair.contains("weight"), pair);
  }

  @Test
  void reflectionsAlwaysHaveEvidenceAnEmptyListWhenNoTurnsWereNamed() {
    RecordPieces pieces = new RecordPieces();
    Target target = Targets.of(TRICKY).get(0);
    CacheEntry entry = entry(new Reflection("c", "a", Verdict.REVISE), "m");
    assertEquals(List.of(), entry.reflection().evidence());
    String generated = new String(DatasetJson.reflection(target, entry, null), UTF_8);
    assertTrue(generated.contains(",\"verdict\":\"revise\",\"evidence\":[],\"model\":\"m\","), generated);
    assertEquals(
        generated,
        new String(DatasetJson.reflection(target, entry, null, pieces.literal("a"), pieces).toBytes(), UTF_8));
  }

  /**
   * A weather round trip as LLaMA-Factory's ShareGPT gives it (no ids) except for one call whose
   * id the source had, answered first; and the one tool the record declares.
   */
  private static final Conversation WEATHER =
      new Conversation(
          "w1",
          "tools.json",
          1,
          List.of(
              Message.of(Role.SYSTEM, "Use tools."),
              Message.of(Role.USER, "Weather in Paris and Rome?"),
              new Message(
                  Role.ASSISTANT,
                  "",
                  json(
                      "[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                          + "{\"id\":\"src_7\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Rome\\\"}\"}}]"),
                  null,
                  null),
              new Message(Role.TOOL, "21", null, "src_7", null),
              Message.of(Role.TOOL, "18"),
              Message.of(Role.ASSISTANT, "Paris 18, Rome 21."),
              Message.of(Role.USER, "Which is warmer?"),
              Message.of(Role.ASSISTANT, "Rome."),
              Message.of(Role.USER, "Thanks")),
          List.of(
              json(
                  "{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"description\":\"Weather now\","
                      + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                      + "\"required\":[\"city\"]}}}")));

  private static final String WEATHER_TOOLS =
      ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"description\":\"Weather now\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
          + "\"required\":[\"city\"]}}}]}";

  private static final String WEATHER_CALLS =
      "\"tool_calls\":[{\"id\":\"call_2_0\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
          + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},{\"id\":\"src_7\",\"type\":\"function\","
          + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Rome\\\"}\"}}]";

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void sftRecordsDeclareTheToolsAndEveryCallHasAnIdItsAnswerNames() {
    RecordPieces pieces = new RecordPieces();
    Target target = Targets.of(WEATHER).get(0);
    assertEquals(7, target.index());
    String expected =
        "{\"messages\":["
            + "{\"role\":\"system\",\"content\":\"Use tools.\"},"
            + "{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"},"
            + "{\"role\":\"assistant\",\"content\":\"\","
            + WEATHER_CALLS
            + ",\"weight\":0},"
            + "{\"role\":\"tool\",\"content\":\"21\",\"tool_call_id\":\"src_7\"},"
            + "{\"role\":\"tool\",\"content\":\"18\",\"tool_call_id\":\"call_2_0\"},"
            + "{\"role\":\"assistant\",\"content\":\"Paris 18, Rome 21.\",\"weight\":0},"
            + "{\"role\":\"user\",\"content\":\"Which is warmer?\"},"
            + "{\"role\":\"assistant\",\"content\":\"Rome is, by 3 degrees.\",\"weight\":1}]"
            + WEATHER_TOOLS;
    assertEquals(expected, new String(DatasetJson.sft(target, "Rome is, by 3 degrees."), UTF_8));
    assertEquals(
        expected,
        new String(
            DatasetJson.sft(target, pieces.literal("Rome is, by 3 degrees."), pieces).toBytes(), UTF_8));
    // Only the written record has the ids: the parsed messages that prompts are made from do not.
    assertFalse(WEATHER.messages().get(2).toolCalls().get(0).has("id"));
    assertEquals(null, WEATHER.messages().get(4).toolCallId());
  }

  @Test
  void preferenceRecordsDeclareTheToolsAfterRejected() {
    RecordPieces pieces = new RecordPieces();
    Target target = Targets.of(WEATHER).get(0);
    String expected =
        "{\"prompt\":["
            + "{\"role\":\"system\",\"content\":\"Use tools.\"},"
            + "{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"},"
            + "{\"role\":\"assistant\",\"content\":\"\","
            + WEATHER_CALLS
            + "},"
            + "{\"role\":\"tool\",\"content\":\"21\",\"tool_call_id\":\"src_7\"},"
            + "{\"role\":\"tool\",\"content\":\"18\",\"tool_call_id\":\"call_2_0\"},"
            + "{\"role\":\"assistant\",\"content\":\"Paris 18, Rome 21.\"},"
            + "{\"role\":\"user\",\"content\":\"Which is warmer?\"}],"
            + "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Rome is, by 3 degrees.\"}],"
            + "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Rome.\"}]"
            + WEATHER_TOOLS;
    assertEquals(
        expected, new String(DatasetJson.preference(target, "Rome is, by 3 degrees.", "Rome."), UTF_8));
    assertEquals(
        expected,
        new String(
            DatasetJson.preference(
                    target,
                    pieces.assistant(pieces.literal("Rome is, by 3 degrees.")),
                    pieces.originalAnswer(WEATHER, target.index()),
                    pieces)
                .toBytes(),
            UTF_8));
  }

  @Test
  void recordsOfAConversationWithoutToolsHaveNoToolsKey() {
    RecordPieces pieces = new RecordPieces();
    Target target = Targets.of(TRICKY).get(0);
    String sft = new String(DatasetJson.sft(target, pieces.literal("x"), pieces).toBytes(), UTF_8);
    String preference =
        new String(
            DatasetJson.preference(
                    target, pieces.assistant(pieces.literal("x")), pieces.originalAnswer(TRICKY, 2), pieces)
                .toBytes(),
            UTF_8);
    assertTrue(sft.endsWith("\"weight\":1}]}"), sft);
    assertTrue(preference.endsWith("]}") && !preference.contains("\"tools\""), preference);
  }

  /** A tool call of the random conversations: its id and arguments need escaping too. */
  private static JsonNode randomToolCalls(Random random) {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode calls = mapper.createArrayNode();
    for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
      ObjectNode call = calls.addObject();
      if (random.nextInt(3) > 0) { // else the writer makes one up
        call.put("id", "call_" + randomText(random));
      }
      call.put("type", "function");
      call.putObject("function").put("name", "f" + i).put("arguments", randomText(random));
    }
    return calls;
  }

  /** None, or one or two tools whose descriptions need escaping. */
  private static List<JsonNode> randomTools(Random random) {
    List<JsonNode> tools = new ArrayList<>();
    for (int i = 0, n = random.nextInt(3); i < n; i++) {
      ObjectNode tool = new ObjectMapper().createObjectNode().put("type", "function");
      tool.putObject("function")
          .put("name", "f" + i)
          .put("description", randomText(random))
          .putObject("parameters")
          .put("type", "object");
      tools.add(tool);
    }
    return tools;
  }

  private static String maybeName(Random random) {
    return random.nextInt(4) == 0 ? randomText(random) : null;
  }

  @Test
  void randomConversationsAssembleToTheGeneratedRecords() {
    Random random = new Random(17);
    RecordPieces pieces = new RecordPieces();
    for (int n = 0; n < 300; n++) {
      List<Message> messages = new ArrayList<>();
      if (random.nextInt(3) == 0) {
        messages.add(Message.of(Role.SYSTEM, randomText(random)));
      }
      int exchanges = 1 + random.nextInt(4);
      for (int e = 0; e < exchanges; e++) {
        messages.add(new Message(Role.USER, randomText(random), null, null, maybeName(random)));
        if (random.nextInt(4) == 0) { // a tool round trip before the answer
          JsonNode calls = randomToolCalls(random);
          messages.add(new Message(Role.ASSISTANT, random.nextBoolean() ? "" : randomText(random), calls, null, null));
          for (JsonNode call : calls) {
            String id = call.has("id") && random.nextBoolean() ? call.get("id").asText() : null;
            messages.add(new Message(Role.TOOL, randomText(random), null, id, maybeName(random)));
          }
        }
        messages.add(new Message(Role.ASSISTANT, randomText(random), null, null, maybeName(random)));
      }
      messages.add(Message.of(Role.USER, randomText(random)));
      Conversation conversation =
          new Conversation(
              randomText(random), randomText(random), 1, messages, randomTools(random));
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
