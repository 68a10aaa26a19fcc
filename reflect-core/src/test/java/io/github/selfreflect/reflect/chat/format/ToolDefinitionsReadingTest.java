package io.github.selfreflect.reflect.chat.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools a record declares, read from every form the dialects write them in. */
class ToolDefinitionsReadingTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void openAiToolsAreKeptAsRead() throws Exception {
    Conversation takeoff =
        ReadChats.readCorpus("openai-messages/openai-cookbook-drone_training.first5.jsonl").get(0);

    assertEquals(16, takeoff.tools().size());
    JsonNode first = takeoff.tools().get(0);
    assertEquals("function", first.get("type").textValue());
    assertEquals("takeoff_drone", first.at("/function/name").textValue());
    assertEquals("integer", first.at("/function/parameters/properties/altitude/type").textValue());
  }

  @Test
  void legacyFunctionsFollowTheToolsWrappedAsFunctionTools() throws Exception {
    Conversation conversation =
        readOne(
            """
            {"messages": [{"role": "user", "content": "hi"}],
             "tools": [{"type": "function", "function": {"name": "a", "parameters": {}}}],
             "functions": [{"name": "b", "description": "legacy", "parameters": {"type": "object"}}]}
            """);

    assertEquals(
        List.of(
            json("{\"type\":\"function\",\"function\":{\"name\":\"a\",\"parameters\":{}}}"),
            json(
                "{\"type\":\"function\",\"function\":{\"name\":\"b\",\"description\":\"legacy\","
                    + "\"parameters\":{\"type\":\"object\"}}}")),
        conversation.tools());
  }

  @Test
  void aRecordWithoutToolsHasAnEmptyList() {
    assertEquals(List.of(), readOne("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").tools());
    assertEquals(
        List.of(),
        readOne(
                "{\"tools\": \"\", \"functions\": null,"
                    + " \"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}]}")
            .tools());
  }

  @Test
  void shareGptToolsStringIsParsedAndEachSchemaWrapped() throws Exception {
    Conversation recipes =
        ReadChats.readCorpus("sharegpt/llamafactory-glaive_toolcall_en_demo.first4.json").get(0);

    assertEquals(
        List.of(
            json(
                "{\"type\":\"function\",\"function\":{\"name\":\"search_recipes\",\"description\":"
                    + "\"Search for recipes based on ingredients\",\"parameters\":{\"type\":\"object\","
                    + "\"properties\":{\"ingredients\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
                    + "\"description\":\"The ingredients to search for\"}},\"required\":[\"ingredients\"]}}}")),
        recipes.tools());
  }

  @Test
  void aToolsArrayAndToolsAlreadyInOpenAiShapeAreReadToo() throws Exception {
    Conversation conversation =
        readOne(
            """
            {"conversations": [{"from": "human", "value": "hi"}],
             "tools": [{"name": "bare"}, {"type": "function", "function": {"name": "wrapped"}}]}
            """);

    assertEquals(
        List.of(
            json("{\"type\":\"function\",\"function\":{\"name\":\"bare\"}}"),
            json("{\"type\":\"function\",\"function\":{\"name\":\"wrapped\"}}")),
        conversation.tools());
  }

  @Test
  void aToolsStringThatIsNotJsonNamesFileLineAndWhatWasExpected() {
    InvalidChatException e =
        ReadChats.firstProblem(
            dir,
            "tools.jsonl",
            "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}], \"tools\": \"[]\"}\n"
                + "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}],"
                + " \"tools\": \"[{name: search}]\"}\n");

    assertEquals("tools.jsonl", e.file());
    assertEquals(2, e.line());
    assertEquals(
        "tools.jsonl:2: expected 'tools' to be a string holding a JSON array of function schemas,"
            + " found \"[{name: search}]\", which is not valid JSON (Unexpected character ('n'"
            + " (code 110)): was expecting double-quote to start field name)",
        e.getMessage());
  }

  @Test
  void toolsThatAreNotAnArrayOfObjectsAreRejected() {
    assertEquals(
        "t.jsonl:1: expected 'tools' to be an array of tools (or a string holding one), found an"
            + " object with keys [name]",
        ReadChats.firstProblem(
                dir,
                "t.jsonl",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": \"{\\\"name\\\": \\\"f\\\"}\"}\n")
            .getMessage());
    assertEquals(
        "u.jsonl:1: expected tools[1] to be an object {type, function} or a function schema,"
            + " found the number 3",
        ReadChats.firstProblem(
                dir,
                "u.jsonl",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{}, 3]}\n")
            .getMessage());
    assertEquals(
        "v.jsonl:1: expected 'functions' to be an array of function schemas, found \"f\"",
        ReadChats.firstProblem(
                dir,
                "v.jsonl",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"functions\": \"f\"}\n")
            .getMessage());
  }

  private Conversation readOne(String json) {
    List<Conversation> conversations =
        ReadChats.readAll(ReadChats.write(dir, "one.jsonl", ReadChats.oneLine(json)), "one.jsonl");
    assertEquals(1, conversations.size());
    return conversations.get(0);
  }

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text);
  }
}
