package io.github.selfreflect.reflect.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ids for calls that have none, and tool answers linked to the calls they answer. */
class ToolCallIdsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Message calls(String json) {
    return new Message(Role.ASSISTANT, "", json(json), null, null);
  }

  private static Message answer(String content, String toolCallId) {
    return new Message(Role.TOOL, content, null, toolCallId, null);
  }

  private static final String TWO_CALLS =
      "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
          + "{\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]";

  @Test
  void callsWithoutIdsGetTheirMessageAndCallIndexAndAnswersFollowInOrder() {
    List<Message> messages =
        List.of(
            Message.of(Role.USER, "q"),
            calls(TWO_CALLS),
            answer("F", null),
            answer("G", null),
            answer("extra", null)); // more answers than calls: nothing left to link

    List<Message> linked = ToolCallIds.linked(messages);

    assertEquals(
        json(
            "[{\"id\":\"call_1_0\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                + "{\"id\":\"call_1_1\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]"),
        linked.get(1).toolCalls());
    assertEquals(List.of("id", "type", "function"), fieldNames(linked.get(1).toolCalls().get(0)));
    assertEquals("call_1_0", linked.get(2).toolCallId());
    assertEquals("call_1_1", linked.get(3).toolCallId());
    assertNull(linked.get(4).toolCallId());
    // The parsed messages, which templates render, are untouched.
    assertEquals(json(TWO_CALLS), messages.get(1).toolCalls());
    assertNull(messages.get(2).toolCallId());
  }

  @Test
  void sourceIdsAreKeptAndAnAnswerNamingOneTakesItOutOfTheQueue() {
    List<Message> messages =
        List.of(
            Message.of(Role.USER, "q"),
            calls(
                "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                    + "{\"id\":\"src\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]"),
            answer("G", "src"),
            answer("F", null));

    List<Message> linked = ToolCallIds.linked(messages);

    assertEquals("call_1_0", linked.get(1).toolCalls().get(0).get("id").textValue());
    assertSame(messages.get(1).toolCalls().get(1), linked.get(1).toolCalls().get(1));
    assertSame(messages.get(2), linked.get(2));
    assertEquals("call_1_0", linked.get(3).toolCallId());
  }

  @Test
  void answersLinkToTheNearestPrecedingCallMessageOnly() {
    List<Message> messages =
        List.of(
            Message.of(Role.USER, "q"),
            calls(TWO_CALLS),
            answer("F", null),
            Message.of(Role.USER, "again"),
            calls("[{\"type\":\"function\",\"function\":{\"name\":\"h\",\"arguments\":\"{}\"}}]"),
            answer("H", null),
            answer("late", null)); // g's call was left unanswered by the earlier round

    List<Message> linked = ToolCallIds.linked(messages);

    assertEquals("call_1_0", linked.get(2).toolCallId());
    assertEquals("call_4_0", linked.get(5).toolCallId());
    assertNull(linked.get(6).toolCallId());
  }

  @Test
  void aConversationWithNothingToAddIsTheSameList() {
    List<Message> messages =
        List.of(
            Message.of(Role.USER, "q"),
            calls("[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]"),
            answer("F", "a"),
            Message.of(Role.ASSISTANT, "done"));

    assertSame(messages, ToolCallIds.linked(messages));
  }

  @Test
  void withoutGeneratedGivesBackTheCallsAsTheSourceHadThem() {
    List<Message> messages =
        List.of(
            Message.of(Role.USER, "q"),
            calls(
                "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                    + "{\"id\":\"src\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]"));
    JsonNode written = ToolCallIds.linked(messages).get(1).toolCalls();

    assertEquals(messages.get(1).toolCalls(), ToolCallIds.withoutGenerated(written, 1));
    assertEquals(
        "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
            + "{\"id\":\"src\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]",
        ToolCallIds.withoutGenerated(written, 1).toString());
    // At another index the id is not the one the writer would have made: it is the source's.
    assertSame(written, ToolCallIds.withoutGenerated(written, 2));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
