package io.github.selfreflect.reflect.chat.format;

import static io.github.selfreflect.reflect.chat.Role.ASSISTANT;
import static io.github.selfreflect.reflect.chat.Role.SYSTEM;
import static io.github.selfreflect.reflect.chat.Role.TOOL;
import static io.github.selfreflect.reflect.chat.Role.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareGptReadingTest {

  @TempDir Path dir;

  @Test
  void coinConversationHasFiveHindsightTargets() {
    List<Conversation> conversations =
        ReadChats.readCorpus("sharegpt/coin-conversation.sharegpt.json");

    assertEquals(1, conversations.size());
    Conversation coin = conversations.get(0);
    assertEquals("coin_0", coin.id());
    assertEquals("sharegpt/coin-conversation.sharegpt.json", coin.sourceFile());
    assertEquals(2, coin.line());
    assertEquals(12, coin.messages().size());
    assertEquals(Message.of(USER, "Flip a 3-sided coin"), coin.messages().get(0));
    assertEquals(List.of(1, 3, 5, 7, 9), Targets.of(coin).stream().map(Target::index).toList());
    assertEquals("How can a 3 sided coin exist", coin.messages().get(8).content());
  }

  @Test
  void onePrettyPrintedObjectIsOneConversation() {
    List<Conversation> conversations = ReadChats.readCorpus("sharegpt/axolotl-conversation.json");

    assertEquals(1, conversations.size());
    Conversation conversation = conversations.get(0);
    assertEquals(1, conversation.line());
    assertTrue(conversation.id().matches("[0-9a-f]{16}"), conversation.id());
    assertTrue(
        conversation.messages().get(0).content().startsWith("how could i implement a minesweeper"));
    List<Role> roles = roles(conversation);
    for (int i = 0; i < roles.size(); i++) {
      assertEquals(i % 2 == 0 ? USER : ASSISTANT, roles.get(i), "message " + i);
    }
  }

  @Test
  void anEmptyAnswerIsKeptAsAnEmptyMessage() {
    Conversation conversation =
        ReadChats.readCorpus("sharegpt/axolotl-conversation.missingturns.json").get(0);

    assertTrue(
        conversation.messages().stream()
            .anyMatch(m -> m.role() == ASSISTANT && m.content().isEmpty()));
  }

  @Test
  void llamaFactoryFunctionCallBecomesAnAssistantToolCallAndObservationAToolMessage() {
    List<Conversation> conversations =
        ReadChats.readCorpus("sharegpt/llamafactory-glaive_toolcall_en_demo.first4.json");

    assertEquals(
        List.of(2L, 39L, 84L, 121L), conversations.stream().map(Conversation::line).toList());
    Conversation recipes = conversations.get(0);
    assertEquals(
        List.of(USER, ASSISTANT, USER, ASSISTANT, TOOL, ASSISTANT, USER, ASSISTANT),
        roles(recipes));
    Message call = recipes.messages().get(3);
    assertTrue(call.isToolCall());
    assertEquals("", call.content());
    assertEquals(1, call.toolCalls().size());
    JsonNode function = call.toolCalls().get(0);
    assertEquals("function", function.get("type").asText());
    assertEquals("search_recipes", function.at("/function/name").asText());
    assertEquals(
        "{\"ingredients\":[\"chicken\",\"bell peppers\",\"rice\"]}",
        function.at("/function/arguments").textValue());
    assertTrue(recipes.messages().get(4).content().startsWith("{\"recipes\": [{\"name\": "));
    // The tool call is history, not a target: only the text answer to the first question is.
    assertEquals(List.of(1), Targets.of(recipes).stream().map(Target::index).toList());

    Conversation threeCalls = conversations.get(3);
    assertEquals(3, threeCalls.messages().stream().filter(Message::isToolCall).count());
  }

  @Test
  void llamaFactorySystemColumnBecomesALeadingSystemMessage() {
    Conversation conversation =
        readOne(
            """
            [{"system": "Answer in French.", "conversations": [
              {"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Bonjour"}]}]
            """);

    assertEquals(
        List.of(
            Message.of(SYSTEM, "Answer in French."),
            Message.of(USER, "Hi"),
            Message.of(ASSISTANT, "Bonjour")),
        conversation.messages());
  }

  @Test
  void aSystemTurnAtTheStartWinsOverTheSystemColumn() {
    Conversation conversation =
        readOne(
            """
            {"system": "column", "conversations": [{"from": "system", "value": "turn"}, \
            {"from": "human", "value": "Hi"}]}
            """);

    assertEquals(
        List.of(Message.of(SYSTEM, "turn"), Message.of(USER, "Hi")), conversation.messages());
  }

  @Test
  void speakerNamesMatchInAnyCase() {
    Conversation conversation =
        readOne(
            "{\"conversations\": ["
                + speakers(
                    "Human",
                    "GPT",
                    "USER",
                    "ChatGPT",
                    "user",
                    "Bing",
                    "user",
                    "bard",
                    "user",
                    "Model",
                    "user",
                    "Assistant",
                    "System",
                    "Tool",
                    "OBSERVATION",
                    "function_response")
                + "]}\n");

    assertEquals(
        List.of(
            USER, ASSISTANT, USER, ASSISTANT, USER, ASSISTANT, USER, ASSISTANT, USER, ASSISTANT,
            USER, ASSISTANT, SYSTEM, TOOL, TOOL, TOOL),
        roles(conversation));
  }

  @Test
  void aFunctionCallThatIsNotNameAndArgumentsStaysText() {
    Conversation conversation =
        readOne(
            """
            {"conversations": [{"from": "human", "value": "Weather?"}, \
            {"from": "function_call", "value": "get_weather(Paris)"}]}
            """);

    Message call = conversation.messages().get(1);
    assertEquals(Message.of(ASSISTANT, "get_weather(Paris)"), call);
    assertFalse(call.isToolCall());
  }

  @Test
  void aFunctionCallMayHoldParallelCallsAndStringArguments() {
    Conversation conversation =
        readOne(
            """
            {"conversations": [{"from": "human", "value": "Weather?"}, {"from": "function_call", \
            "value": "[{\\"name\\": \\"a\\", \\"arguments\\": \\"{\\\\\\"x\\\\\\": 1}\\"}, \
            {\\"name\\": \\"b\\", \\"arguments\\": {}}]"}]}
            """);

    JsonNode calls = conversation.messages().get(1).toolCalls();
    assertEquals(2, calls.size());
    assertEquals("a", calls.at("/0/function/name").asText());
    assertEquals("{\"x\": 1}", calls.at("/0/function/arguments").textValue());
    assertEquals("b", calls.at("/1/function/name").asText());
    assertEquals("{}", calls.at("/1/function/arguments").textValue());
    assertNull(calls.get(0).get("id"));
  }

  private Conversation readOne(String json) {
    List<Conversation> conversations =
        ReadChats.readAll(ReadChats.write(dir, "chat.json", json), "chat.json");
    assertEquals(1, conversations.size());
    return conversations.get(0);
  }

  private static String speakers(String... names) {
    StringBuilder turns = new StringBuilder();
    for (String name : names) {
      if (turns.length() > 0) {
        turns.append(", ");
      }
      turns.append("{\"from\": \"").append(name).append("\", \"value\": \"x\"}");
    }
    return turns.toString();
  }

  static List<Role> roles(Conversation conversation) {
    return conversation.messages().stream().map(Message::role).toList();
  }
}
