package io.github.selfreflect.reflect.prompt.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import org.junit.jupiter.api.Test;

/** Reading replies to the seed prompt: what real servers send, and what must be refused. */
class SeedReplyTest {

  private static final String COIN_C =
      "The initial response, L, refers to a hypothetical 3-sided coin flip as a physical action"
          + " while providing outcomes as heads, tails, and side. However, later it becomes clear"
          + " that a 3-sided coin is an unrealistic concept and the action being performed is"
          + " actually a simulation.";
  private static final String COIN_L =
      "I'm sorry, I am not able to physically flip a coin. However, I can simulate the outcome of"
          + " a hypothetical 3-sided coin flip for you. The possible outcomes are 1, 2, and 3.";

  private final SeedTemplate template = new SeedTemplate();
  private final Conversation coin = CoinFixture.conversation();

  private Reflection parseCoin(String reply) throws InvalidReplyException {
    return template.parse(reply, coin, 1);
  }

  private static String reply(String k, String c, String l) {
    return "{\"K\": " + k + ", \"C\": " + c + ", \"L\": " + l + "}";
  }

  private InvalidReplyException refused(String reply) {
    return assertThrows(InvalidReplyException.class, () -> parseCoin(reply));
  }

  @Test
  void gpt4ReplyToCoinGivesItsCritiqueAndAnswer() throws InvalidReplyException {
    JsonNode fixture = CoinFixture.json("coin-gpt4-reply.json");
    assertEquals(1, fixture.get("target_turn_index").intValue());

    Reflection reflection = template.parse(fixture.get("content").textValue(), coin, 1);

    assertEquals(new Reflection(COIN_C, COIN_L, Verdict.REVISE), reflection);
  }

  @Test
  void fencedReplyWithProse() throws InvalidReplyException {
    String reply =
        "Here is my reflection:\n```json\n"
            + reply("\"Flip a 3-sided coin\"", "\"crit\"", "\"new\"")
            + "\n```\nI hope this helps!";
    assertEquals(new Reflection("crit", "new", Verdict.REVISE), parseCoin(reply));
  }

  @Test
  void rawNewlinesInsideStrings() throws InvalidReplyException {
    String reply = reply("\"Flip a 3-sided coin\"", "\"line 1\nline 2\"", "\"a\n\tb\"");
    assertEquals(new Reflection("line 1\nline 2", "a\n\tb", Verdict.REVISE), parseCoin(reply));
  }

  @Test
  void critiqueAndAnswerAreStripped() throws InvalidReplyException {
    Reflection reflection = parseCoin(reply("\"Flip a 3-sided coin\"", "\"  c \\n\"", "\"\\n l \""));
    assertEquals("c", reflection.critique());
    assertEquals("l", reflection.answer());
  }

  @Test
  void kMayKeepTheSingleQuotesOfTheFormatAndSurroundingWhitespace() throws InvalidReplyException {
    parseCoin(reply("\"'Flip a 3-sided coin'\"", "\"c\"", "\"l\""));
    parseCoin(reply("\"  Flip a 3-sided coin\\n\"", "\"c\"", "\"l\""));
    parseCoin(reply("\" ' Flip a 3-sided coin ' \"", "\"c\"", "\"l\""));
  }

  @Test
  void kMayBeCopiedWithTheBlockEscapesOrTheFormatEscapes() throws InvalidReplyException {
    Conversation conversation =
        SeedTemplateTest.conversation(
            Message.of(Role.USER, "caf\u00e9 [[[x]]]"),
            Message.of(Role.ASSISTANT, "a"),
            Message.of(Role.USER, "b"));

    for (String k :
        new String[] {
          "\"caf\u00e9 [[[x]]]\"",
          "\"caf\u00e9 [[\\\\[x]]\\\\]\"",
          "\"caf\\\\u00e9 [[[x]]]\"",
          "\"'caf\\\\u00e9 [[[x]]]'\""
        }) {
      assertEquals(
          "l", template.parse(reply(k, "\"c\"", "\"l\""), conversation, 1).answer(), k);
    }
  }

  @Test
  void notJson() {
    InvalidReplyException e = refused("I cannot do that.");
    assertTrue(e.getMessage().startsWith("reply is not JSON: "), e.getMessage());
  }

  @Test
  void changedK() {
    InvalidReplyException e = refused(reply("\"Flip a coin\"", "\"c\"", "\"l\""));
    assertEquals(
        "reply changed K: expected 'Flip a 3-sided coin', got 'Flip a coin'", e.getMessage());
  }

  @Test
  void changedLongKShowsTheFirst80Characters() {
    Conversation conversation =
        SeedTemplateTest.conversation(
            Message.of(Role.USER, "x".repeat(200)), Message.of(Role.ASSISTANT, "a"));
    InvalidReplyException e =
        assertThrows(
            InvalidReplyException.class,
            () -> template.parse(reply("\"y\"", "\"c\"", "\"l\""), conversation, 1));
    assertEquals(
        "reply changed K: expected '" + "x".repeat(80) + "...', got 'y'", e.getMessage());
  }

  @Test
  void missingFields() {
    assertEquals(
        "reply has no K (fields found: C, L)",
        refused("{\"C\": \"c\", \"L\": \"l\"}").getMessage());
    assertEquals(
        "reply has no C (fields found: K, L)",
        refused("{\"K\": \"Flip a 3-sided coin\", \"L\": \"l\"}").getMessage());
    assertEquals(
        "reply has no L (fields found: K, C)",
        refused("{\"K\": \"Flip a 3-sided coin\", \"C\": \"c\"}").getMessage());
    assertEquals(
        "reply has no L (fields found: K, C, L)",
        refused(reply("\"Flip a 3-sided coin\"", "\"c\"", "null")).getMessage());
  }

  @Test
  void emptyCritiqueOrAnswer() {
    assertEquals(
        "reply's C is empty",
        refused(reply("\"Flip a 3-sided coin\"", "\" \"", "\"l\"")).getMessage());
    assertEquals(
        "reply's L is empty",
        refused(reply("\"Flip a 3-sided coin\"", "\"c\"", "\"\\n\"")).getMessage());
  }

  @Test
  void nonStringFields() {
    assertEquals(
        "reply's L is not a string but object: '{\"text\":\"l\"}'",
        refused(reply("\"Flip a 3-sided coin\"", "\"c\"", "{\"text\": \"l\"}")).getMessage());
    assertEquals(
        "reply's K is not a string but number: '1'",
        refused(reply("1", "\"c\"", "\"l\"")).getMessage());
  }
}
