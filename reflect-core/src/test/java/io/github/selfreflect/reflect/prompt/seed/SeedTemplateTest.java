package io.github.selfreflect.reflect.prompt.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rendering of the seed template: the coin example must match the original to the character. */
class SeedTemplateTest {

  private final SeedTemplate template = new SeedTemplate();

  @Test
  void idIsSeed() {
    assertEquals("seed", template.id());
  }

  @Test
  void coinRendersBothMessagesExactlyAsTheOriginal() {
    JsonNode expected = CoinFixture.json("coin-expected-request.json").get("messages");

    List<Message> messages = template.render(CoinFixture.conversation(), 1);

    assertEquals(2, messages.size());
    assertEquals(Role.USER, messages.get(0).role());
    assertEquals(Role.SYSTEM, messages.get(1).role());
    assertEquals(expected.get(0).get("content").textValue(), messages.get(0).content());
    assertEquals(expected.get(1).get("content").textValue(), messages.get(1).content());
  }

  @Test
  void coinRequestBodyHasTheOriginalModelAndMessages() {
    List<Message> messages = template.render(CoinFixture.conversation(), 1);
    ChatRequest request = new ChatRequest("gpt-4", messages, SamplingParameters.DEFAULTS);

    assertEquals(
        CoinFixture.json("coin-expected-request.json"), ChatRequestJson.toJson(request));
  }

  /**
   * Target 5 ("again" → "tails"): the expected request was built by a throwaway Python script
   * that follows the original's demo.py with K at index 4, and whose output for K at index 0 was
   * checked equal to coin-expected-request.json.
   */
  @Test
  void laterTargetMarksKAndLInPlaceWithEarlierTurnsAsQAndA() {
    JsonNode expected = CoinFixture.json("coin-target5-expected-request.json");

    List<Message> messages = template.render(CoinFixture.conversation(), 5);
    String user = messages.get(0).content();

    assertEquals(
        expected, ChatRequestJson.toJson(new ChatRequest("gpt-4", messages, SamplingParameters.DEFAULTS)));
    assertTrue(user.startsWith("Conversation:\nQ:\n[[[\nFlip a 3-sided coin\n]]]\nA:\n[[[\n"), user);
    assertTrue(
        user.contains(
            "\n]]]\nK:\n[[[\nagain\n]]]\nL:\n[[[\nThe outcome of the 3-sided coin flip is:\ntails\n"
                + "]]]\nQ:\n[[[\nagain\n]]]\n"),
        user);
    assertTrue(messages.get(1).content().contains("\"K\": \"'again'\",\n"));
  }

  /** The expected format below came from CPython's json.dumps(..., indent=4). */
  @Test
  void formatEscapesKLikePython() {
    String question = "caf\u00e9 " + new String(Character.toChars(0x1F600)) + " \"x\" \\";
    Conversation conversation =
        conversation(Message.of(Role.USER, question), Message.of(Role.ASSISTANT, "a"));

    String system = template.render(conversation, 1).get(1).content();

    assertTrue(
        system.contains(
            "Response Format: \n{\n    \"K\": \"'caf\\u00e9 \\ud83d\\ude00 \\\"x\\\" \\\\'\",\n"
                + "    \"C\": \"Criticism on L according to consequent chats\",\n"
                + "    \"L\": \"A response str answers K.\"\n} \nEnsure the response can beparsed"
                + " by Python json.loads"),
        system);
    assertTrue(system.endsWith("json.loads"));
  }

  @Test
  void systemToolAndToolCallMessagesGetTheirOwnLetters() {
    JsonNode toolCalls =
        CoinFixture.MAPPER
            .createArrayNode()
            .add(CoinFixture.MAPPER.createObjectNode().put("id", "c1").put("type", "function"));
    Conversation conversation =
        conversation(
            Message.of(Role.SYSTEM, "Be brief."),
            Message.of(Role.USER, "weather?"),
            new Message(Role.ASSISTANT, "", toolCalls, null, null),
            new Message(Role.TOOL, "sunny", null, "c1", "weather"),
            Message.of(Role.ASSISTANT, "Sunny."),
            Message.of(Role.USER, "and tomorrow?"),
            Message.of(Role.ASSISTANT, "Rain."),
            Message.of(Role.USER, "thanks"));

    String user = template.render(conversation, 6).get(0).content();

    assertEquals(
        "Conversation:\n"
            + "S:\n[[[\nBe brief.\n]]]\n"
            + "Q:\n[[[\nweather?\n]]]\n"
            + "A:\n[[[\n[{\"id\":\"c1\",\"type\":\"function\"}]\n]]]\n"
            + "T:\n[[[\nsunny\n]]]\n"
            + "A:\n[[[\nSunny.\n]]]\n"
            + "K:\n[[[\nand tomorrow?\n]]]\n"
            + "L:\n[[[\nRain.\n]]]\n"
            + "Q:\n[[[\nthanks\n]]]\n",
        user);
  }

  @Test
  void toolCallWithTextShowsTheText() {
    JsonNode toolCalls =
        CoinFixture.MAPPER.createArrayNode().add(CoinFixture.MAPPER.createObjectNode().put("id", "c1"));
    Message call = new Message(Role.ASSISTANT, "Let me look.", toolCalls, null, null);

    assertEquals("Let me look.", SeedConversationBlock.text(call));
  }

  @Test
  void targetThatIsNotAnAnswerToAUserMessageIsRefused() {
    Conversation coin = CoinFixture.conversation();

    assertThrows(IllegalArgumentException.class, () -> template.render(coin, 0));
    assertThrows(IllegalArgumentException.class, () -> template.render(coin, 12));
    IllegalArgumentException wrongRoles =
        assertThrows(IllegalArgumentException.class, () -> template.render(coin, 2));
    assertTrue(wrongRoles.getMessage().contains("found assistant then user"), wrongRoles.getMessage());
    assertThrows(IllegalArgumentException.class, () -> template.parse("{}", coin, 0));
  }

  @Test
  void fingerprintIsAStableSha256() {
    String fingerprint = template.fingerprint();

    assertTrue(fingerprint.matches("[0-9a-f]{64}"), fingerprint);
    assertEquals(fingerprint, new SeedTemplate().fingerprint());
    // Pinned so that an accidental edit of the template shows up here. If you changed the
    // template on purpose, update this value: every seed cache key changes with it.
    assertEquals("afecc1871c37687846644d6e1c550250f8e5cf807b09d1d8626433ec65327962", fingerprint);
  }

  @Test
  void fingerprintChangesWhenTheTextOrTheLayoutVersionChanges() {
    List<String> pieces = SeedTemplate.fingerprintedPieces();
    String base = SeedTemplate.fingerprintOf(SeedTemplate.LAYOUT_VERSION, pieces);
    assertEquals(template.fingerprint(), base);

    List<String> edited = new ArrayList<>(pieces);
    int beparsed = edited.indexOf(SeedInstruction.AFTER_FORMAT);
    edited.set(beparsed, edited.get(beparsed).replace("beparsed", "be parsed"));
    assertNotEquals(base, SeedTemplate.fingerprintOf(SeedTemplate.LAYOUT_VERSION, edited));

    assertNotEquals(base, SeedTemplate.fingerprintOf(SeedTemplate.LAYOUT_VERSION + 1, pieces));

    // Moving text from one piece to the next must count as a change too.
    assertNotEquals(
        SeedTemplate.fingerprintOf(1, List.of("ab", "c")),
        SeedTemplate.fingerprintOf(1, List.of("a", "bc")));
  }

  static Conversation conversation(Message... messages) {
    return new Conversation("test", "test.jsonl", 1, List.of(messages));
  }
}
