package io.github.selfreflect.reflect.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ReplyJsonTest {

  private static final String OBJECT = "{\"K\": \"q\", \"C\": \"c\", \"L\": \"l\"}";

  private static void assertFindsObject(String reply) throws InvalidReplyException {
    ObjectNode found = ReplyJson.extractObject(reply);
    assertEquals("q", found.get("K").textValue(), reply);
    assertEquals("c", found.get("C").textValue(), reply);
    assertEquals("l", found.get("L").textValue(), reply);
  }

  @Test
  void bareObject() throws InvalidReplyException {
    assertFindsObject(OBJECT);
  }

  @Test
  void leadingBomAndBlankLines() throws InvalidReplyException {
    assertFindsObject("\uFEFF\n\n  " + OBJECT + "\n\n");
  }

  @Test
  void jsonFence() throws InvalidReplyException {
    assertFindsObject("```json\n" + OBJECT + "\n```");
    assertFindsObject("```JSON\n" + OBJECT + "\n```\n");
  }

  @Test
  void plainFence() throws InvalidReplyException {
    assertFindsObject("```\n" + OBJECT + "\n```");
  }

  @Test
  void fenceAfterProseWithBraces() throws InvalidReplyException {
    assertFindsObject("Here is {the} reply you asked for:\n```json\n" + OBJECT + "\n```\nHope it helps.");
  }

  @Test
  void proseBefore() throws InvalidReplyException {
    assertFindsObject("Sure! Here is the JSON: " + OBJECT);
  }

  @Test
  void proseAfter() throws InvalidReplyException {
    assertFindsObject(OBJECT + "\nLet me know if you need anything else {or more}.");
  }

  @Test
  void unbalancedBraceInProseBefore() throws InvalidReplyException {
    assertFindsObject("Use { carefully. " + OBJECT);
  }

  @Test
  void bracesAndQuotesInsideStringsDoNotEndTheObject() throws InvalidReplyException {
    ObjectNode found =
        ReplyJson.extractObject("Answer: {\"K\": \"a } b\", \"L\": \"say \\\"{\\\" ok\"} trailing }");
    assertEquals("a } b", found.get("K").textValue());
    assertEquals("say \"{\" ok", found.get("L").textValue());
  }

  @Test
  void rawControlCharactersInsideStrings() throws InvalidReplyException {
    ObjectNode found = ReplyJson.extractObject("{\"K\": \"line one\nline two\tend\", \"C\": \"c\"}");
    assertEquals("line one\nline two\tend", found.get("K").textValue());
  }

  @Test
  void emptyReplyIsRefused() {
    InvalidReplyException e =
        assertThrows(InvalidReplyException.class, () -> ReplyJson.extractObject(" \n\uFEFF"));
    assertEquals("reply is empty", e.getMessage());
    assertThrows(InvalidReplyException.class, () -> ReplyJson.extractObject(null));
  }

  @Test
  void proseWithoutJsonIsRefused() {
    InvalidReplyException e =
        assertThrows(
            InvalidReplyException.class,
            () -> ReplyJson.extractObject("I'm sorry, I can't help with that."));
    assertTrue(e.getMessage().startsWith("reply is not JSON: no JSON object"), e.getMessage());
    assertTrue(e.getMessage().contains("I'm sorry"), e.getMessage());
  }

  @Test
  void cutOffObjectIsRefused() {
    InvalidReplyException e =
        assertThrows(
            InvalidReplyException.class,
            () -> ReplyJson.extractObject("{\"K\": \"q\", \"C\": \"the reply ran out of tok"));
    assertTrue(e.getMessage().startsWith("reply is not JSON: no complete JSON object"), e.getMessage());
  }

  @Test
  void arrayIsNotAnObject() {
    assertThrows(InvalidReplyException.class, () -> ReplyJson.extractObject("[1, 2]"));
  }

  @Test
  void snippetIsShortAndOnOneLine() {
    String longText = "a\nb".repeat(100);
    String snippet = ReplyJson.snippet(longText);
    assertTrue(snippet.endsWith("..."), snippet);
    assertTrue(!snippet.contains("\n"), snippet);
    assertEquals("x\\ny", ReplyJson.snippet("x\ny"));
  }
}
