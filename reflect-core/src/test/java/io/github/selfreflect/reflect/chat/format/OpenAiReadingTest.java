package io.github.selfreflect.reflect.chat.format;

import static io.github.selfreflect.reflect.chat.Role.ASSISTANT;
import static io.github.selfreflect.reflect.chat.Role.SYSTEM;
import static io.github.selfreflect.reflect.chat.Role.TOOL;
import static io.github.selfreflect.reflect.chat.Role.USER;
import static io.github.selfreflect.reflect.chat.format.ShareGptReadingTest.roles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiReadingTest {

  @TempDir Path dir;

  @Test
  void fineTuningJsonlKeepsTheSystemPrompt() {
    List<Conversation> conversations =
        ReadChats.readCorpus("openai-messages/openai-cookbook-toy_chat_fine_tuning.jsonl");

    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L), conversations.stream().map(Conversation::line).toList());
    Conversation first = conversations.get(0);
    assertEquals(List.of(SYSTEM, USER, ASSISTANT), roles(first));
    assertEquals(
        "You are a happy assistant that puts a positive spin on everything.",
        first.messages().get(0).content());
    assertEquals(List.of(USER, ASSISTANT), roles(conversations.get(2)));
    assertEquals(
        List.of(2, 4, 6), Targets.of(conversations.get(1)).stream().map(Target::index).toList());
  }

  @Test
  void toolCallsAreKeptAsReadAndAMissingContentIsEmpty() {
    Conversation takeoff =
        ReadChats.readCorpus("openai-messages/openai-cookbook-drone_training.first5.jsonl").get(0);

    assertEquals(List.of(SYSTEM, USER, ASSISTANT), roles(takeoff));
    Message call = takeoff.messages().get(2);
    assertEquals("", call.content());
    assertTrue(call.isToolCall());
    assertEquals(
        "[{\"id\":\"call_id\",\"type\":\"function\",\"function\":{\"name\":\"takeoff_drone\","
            + "\"arguments\":\"{\\\"altitude\\\": 100}\"}}]",
        call.toolCalls().toString());
  }

  @Test
  void messagesInAJsonArrayStartAtTheirOwnLines() {
    List<Conversation> conversations =
        ReadChats.readCorpus("openai-messages/llamafactory-mllm_demo.json");

    assertEquals(
        List.of(2L, 26L, 49L, 72L, 96L, 119L),
        conversations.stream().map(Conversation::line).toList());
    assertEquals(Message.of(USER, "<image>Who is he?"), conversations.get(1).messages().get(0));
  }

  @Test
  void contentPartsAreJoinedAndAnImageLeavesAPlaceholder() {
    List<Conversation> conversations =
        ReadChats.readCorpus("content-parts/llamafactory-v1_multimodal_demo.jsonl");

    assertEquals(24, conversations.size()); // the file ends with a blank line
    List<Message> messages = conversations.get(0).messages();
    assertEquals(Message.of(USER, "[image_url]\nWho are they?"), messages.get(0));
    assertEquals(Message.of(USER, "What are they doing?\n[image_url]"), messages.get(2));
  }

  @Test
  void llamaFactoryToolCallPartsBecomeToolCallsAndReasoningAPlaceholder() {
    List<Conversation> conversations =
        ReadChats.readCorpus("content-parts/llamafactory-reason_tool_use_demo.first3.jsonl");

    Conversation movies = conversations.get(1);
    assertEquals(2, movies.line());
    assertEquals(
        List.of(SYSTEM, USER, ASSISTANT, TOOL, ASSISTANT, USER, ASSISTANT, TOOL, ASSISTANT),
        roles(movies));
    Message call = movies.messages().get(2);
    assertEquals("[reasoning]", call.content());
    assertEquals(
        "[{\"type\":\"function\",\"function\":{\"name\":\"get_movie_details\","
            + "\"arguments\":\"{\\\"title\\\":\\\"Inception\\\"}\"}}]",
        call.toolCalls().toString());
    assertTrue(movies.messages().get(4).content().startsWith("[reasoning]\nHere are the key"));

    Message twoCalls = conversations.get(2).messages().get(2);
    assertEquals(2, twoCalls.toolCalls().size());
  }

  @Test
  void openAiTextPartsAndOtherPartTypes() {
    Conversation conversation =
        readOne(
            """
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "Look:"}, \
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}, \
            {"type": "input_audio", "input_audio": {"data": "...", "format": "wav"}}, \
            "and a bare string"]}]}
            """);

    assertEquals(
        "Look:\n[image_url]\n[input_audio]\nand a bare string",
        conversation.messages().get(0).content());
  }

  @Test
  void everyRoleAndToolFieldIsRead() {
    Conversation conversation =
        readOne(
            ReadChats.oneLine(
                """
                {"messages": [
                  {"role": "developer", "content": "Be terse."},
                  {"role": "User", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1",
                    "type": "function", "function": {"name": "weather", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "call_1", "name": "weather", "content": "Sunny"},
                  {"role": "assistant", "function_call": {"name": "legacy", "arguments": "{}"}},
                  {"role": "function", "name": "legacy", "content": "done"},
                  {"role": "ASSISTANT", "content": "Sunny."}]}
                """));

    assertEquals(
        List.of(SYSTEM, USER, ASSISTANT, TOOL, ASSISTANT, TOOL, ASSISTANT), roles(conversation));
    List<Message> messages = conversation.messages();
    assertEquals("", messages.get(2).content());
    assertEquals("call_1", messages.get(2).toolCalls().at("/0/id").asText());
    assertEquals(new Message(TOOL, "Sunny", null, "call_1", "weather"), messages.get(3));
    assertEquals("legacy", messages.get(4).toolCalls().at("/0/function/name").asText());
    assertEquals(new Message(TOOL, "done", null, null, "legacy"), messages.get(5));
    assertNull(messages.get(6).toolCalls());
  }

  @Test
  void toolCallsWithNothingToAddAreTheNodeAsRead() {
    Conversation conversation =
        readOne(
            """
            {"messages": [{"role": "assistant", "tool_calls": [{"id": "c", "type": "function", \
            "function": {"name": "f", "arguments": "{}"}, "extra": true}]}]}
            """);

    JsonNode toolCalls = conversation.messages().get(0).toolCalls();
    assertTrue(toolCalls.at("/0/extra").asBoolean(), "unknown fields are kept");
  }

  @Test
  void eachRecordPicksItsOwnDialect() {
    List<Conversation> conversations =
        ReadChats.readAll(
            ReadChats.write(
                dir,
                "mixed.jsonl",
                """
                {"conversations": [{"from": "human", "value": "a"}]}
                {"messages": [{"role": "user", "content": "b"}]}
                """),
            "mixed.jsonl");

    assertEquals(
        List.of(List.of(Message.of(USER, "a")), List.of(Message.of(USER, "b"))),
        conversations.stream().map(Conversation::messages).toList());
  }

  private Conversation readOne(String json) {
    List<Conversation> conversations =
        ReadChats.readAll(ReadChats.write(dir, "chat.jsonl", json), "chat.jsonl");
    assertEquals(1, conversations.size());
    return conversations.get(0);
  }
}
