package io.github.selfreflect.reflect.chat.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input, with the exact {@code file:line: expected ..., found ...} it gives. */
class InvalidChatTest {

  private static final String GOOD_LINE =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

  @TempDir Path dir;

  @Test
  void aBrokenJsonLineNamesItsLineAndColumn() {
    InvalidChatException e =
        ReadChats.firstProblem(
            dir, "broken.jsonl", GOOD_LINE + "\n\n{\"messages\": [{\"role\": \"user\",}]}\n");

    assertEquals(
        "broken.jsonl:3: expected valid JSON, found a syntax error at column 31: Unexpected"
            + " character ('}' (code 125)): was expecting double-quote to start field name",
        e.getMessage());
    assertEquals("broken.jsonl", e.file());
    assertEquals(3, e.line());
    assertTrue(e.problem().startsWith("expected valid JSON, found "), e.problem());
  }

  @Test
  void aTruncatedJsonLine() {
    InvalidChatException e =
        ReadChats.firstProblem(dir, "cut.jsonl", "{\"messages\": [{\"role\": \"us\n");

    assertEquals(
        "cut.jsonl:1: expected valid JSON, found a syntax error at column 27: Unexpected"
            + " end-of-input: was expecting closing quote for a string value",
        e.getMessage());
  }

  @Test
  void twoRecordsOnOneLine() {
    InvalidChatException e =
        ReadChats.firstProblem(dir, "two.jsonl", GOOD_LINE + " " + GOOD_LINE + "\n");

    assertEquals(
        "two.jsonl:1: expected one record per line, found more JSON after it at column 51",
        e.getMessage());
  }

  @Test
  void aSyntaxErrorInAnArrayNamesTheParsersLine() {
    InvalidChatException e =
        ReadChats.firstProblem(
            dir,
            "broken.json",
            """
            [
              {"conversations": [{"from": "human", "value": "hi"}]},
              {"conversations": [{"from": "human", "value": "hi"}]
              {"conversations": [{"from": "human", "value": "hi"}]}
            ]
            """);

    assertEquals(
        "broken.json:4: expected valid JSON, found a syntax error at column 3: Unexpected"
            + " character ('{' (code 123)): was expecting comma to separate Object entries",
        e.getMessage());
  }

  @Test
  void aTopLevelValueThatIsNeitherArrayNorObject() {
    assertEquals(
        "scalar.json:3: expected a JSON array of records ('[') or JSON Lines ('{'), found '\"'",
        ReadChats.firstProblem(dir, "scalar.json", "\n  \n  \"hello\"\n").getMessage());
    assertEquals(
        "latin.json:2: expected a JSON array of records ('[') or JSON Lines ('{'), found the byte"
            + " 0xC3",
        ReadChats.firstProblem(dir, "latin.json", "\n\u00e9t\u00e9").getMessage());
  }

  @Test
  void aRecordThatIsNotAnObject() {
    assertEquals(
        "numbers.json:3: expected a JSON object (one conversation), found the number 42",
        ReadChats.firstProblem(
                dir,
                "numbers.json",
                "[\n  {\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}]},\n  42\n]\n")
            .getMessage());
    assertEquals(
        "strings.jsonl:2: expected a JSON object (one conversation), found \"just text\"",
        ReadChats.firstProblem(dir, "strings.jsonl", GOOD_LINE + "\n\"just text\"\n").getMessage());
  }

  @Test
  void aRecordWithNeitherConversationsNorMessages() {
    ReadChats.Result result =
        ReadChats.readSkipping(
            ReadChats.corpus("content-parts/llamafactory-v1_dpo_demo.first3.jsonl"), "dpo.jsonl");

    assertEquals(List.of(), result.conversations());
    assertEquals(
        List.of(1L, 2L, 3L), result.problems().stream().map(InvalidChatException::line).toList());
    assertEquals(
        "dpo.jsonl:1: expected a 'conversations' array (ShareGPT) or a 'messages' array (OpenAI"
            + " chat), found an object with keys [chosen_messages, rejected_messages]",
        result.messages().get(0));
  }

  @Test
  void aRecordWithBothConversationsAndMessages() {
    assertEquals(
        "both.jsonl:1: expected either 'conversations' or 'messages', found both",
        problem("both.jsonl", "{\"conversations\": [], \"messages\": []}"));
  }

  @Test
  void aRecordWithNoMessages() {
    assertEquals(
        "empty.jsonl:1: expected at least one message in 'conversations', found an empty array",
        problem("empty.jsonl", "{\"conversations\": []}"));
    assertEquals(
        "empty.jsonl:1: expected at least one message in 'messages', found an empty array",
        problem("empty.jsonl", "{\"messages\": []}"));
    assertEquals(
        "null.jsonl:1: expected 'messages' to be an array of {role, content}, found null",
        problem("null.jsonl", "{\"messages\": null}"));
    assertEquals(
        "text.jsonl:1: expected 'conversations' to be an array of {from, value}, found \"hi\"",
        problem("text.jsonl", "{\"conversations\": \"hi\"}"));
  }

  @Test
  void anUnknownSpeakerListsTheAcceptedOnes() {
    assertEquals(
        "from.jsonl:1: expected conversations[1].from to be one of human, user, gpt, assistant,"
            + " chatgpt, bing, bard, model, system, tool, observation, function_response,"
            + " function_call (any case), found \"robot\"",
        problem(
            "from.jsonl",
            "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"},"
                + " {\"from\": \"robot\", \"value\": \"beep\"}]}"));
    assertEquals(
        "role.jsonl:1: expected messages[0].role to be one of system, developer, user, assistant,"
            + " tool, function (any case), found \"bot\"",
        problem("role.jsonl", "{\"messages\": [{\"role\": \"bot\", \"content\": \"hi\"}]}"));
    assertEquals(
        "norole.jsonl:1: expected messages[0].role to be a string, found nothing (the key is"
            + " missing)",
        problem("norole.jsonl", "{\"messages\": [{\"content\": \"hi\"}]}"));
  }

  @Test
  void aMessageWhoseTextHasTheWrongType() {
    assertEquals(
        "value.jsonl:1: expected conversations[0].value to be a string, found the number 42",
        problem("value.jsonl", "{\"conversations\": [{\"from\": \"human\", \"value\": 42}]}"));
    assertEquals(
        "content.jsonl:1: expected messages[0].content to be a string, null or an array of"
            + " parts, found an object with keys [text]",
        problem(
            "content.jsonl",
            "{\"messages\": [{\"role\": \"user\", \"content\": {\"text\": \"hi\"}}]}"));
    assertEquals(
        "part.jsonl:1: expected messages[0].content[1].text to be a string, found null",
        problem(
            "part.jsonl",
            "{\"messages\": [{\"role\": \"user\", \"content\": [\"a\", {\"type\": \"text\","
                + " \"text\": null}]}]}"));
    assertEquals(
        "calls.jsonl:1: expected messages[0].tool_calls to be an array, found an empty object",
        problem("calls.jsonl", "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": {}}]}"));
    assertEquals(
        "turn.jsonl:1: expected conversations[0] to be an object {from, value}, found \"hi\"",
        problem("turn.jsonl", "{\"conversations\": [\"hi\"]}"));
  }

  @Test
  void anIdOfTheWrongType() {
    assertEquals(
        "id.jsonl:1: expected 'id' to be a string or a number, found true",
        problem(
            "id.jsonl",
            "{\"id\": true, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"));
  }

  @Test
  void moreJsonAfterTheArray() {
    assertEquals(
        "after.json:3: expected the end of the file after the array of records, found more"
            + " JSON: '{'",
        ReadChats.firstProblem(dir, "after.json", "[\n]\n{}\n").getMessage());
  }

  @Test
  void skippingReportsEachBadJsonLineAndReadsOn() {
    Path file =
        ReadChats.write(
            dir,
            "mixed.jsonl",
            String.join(
                "\n",
                GOOD_LINE,
                "{\"messages\": [",
                "{\"messages\": []}",
                "",
                GOOD_LINE.replace("hi", "second"),
                "[1, 2]",
                GOOD_LINE.replace("hi", "third")));

    ReadChats.Result result = ReadChats.readSkipping(file, "mixed.jsonl");

    assertEquals(
        List.of(1L, 5L, 7L), result.conversations().stream().map(Conversation::line).toList());
    assertEquals(
        List.of(2L, 3L, 6L), result.problems().stream().map(InvalidChatException::line).toList());
  }

  @Test
  void skippingStopsAnArrayAtItsFirstSyntaxError() {
    Path file =
        ReadChats.write(
            dir,
            "broken.json",
            """
            [
              {"conversations": [{"from": "human", "value": "first"}]},
              {"conversations": [{"from": "robot", "value": "skipped"}]},
              {"conversations": [{"from": "human", "value": "third"}]},
              {"conversations": [{"from": "human", "value": "broken"}]
              {"conversations": [{"from": "human", "value": "never read"}]}
            ]
            """);

    ReadChats.Result result = ReadChats.readSkipping(file, "broken.json");

    assertEquals(List.of(2L, 4L), result.conversations().stream().map(Conversation::line).toList());
    assertEquals(
        List.of(3L, 6L), result.problems().stream().map(InvalidChatException::line).toList());
  }

  @Test
  void failingThrowsFromNextNotHasNextAndCanGoOn() throws IOException {
    Path file = ReadChats.write(dir, "fail.jsonl", GOOD_LINE + "\n{oops}\n" + GOOD_LINE + "\n");

    try (ConversationSource source =
        ChatReaders.open(file, "fail.jsonl", InvalidRecordHandler.FAIL)) {
      assertEquals(1, source.next().line());
      assertTrue(source.hasNext());
      assertTrue(source.hasNext(), "asking twice changes nothing");
      InvalidChatException e = assertThrows(InvalidChatException.class, source::next);
      assertEquals(2, e.line());
      assertEquals(3, source.next().line());
      assertTrue(!source.hasNext());
    }
  }

  @Test
  void aHandlerMayStopWithItsOwnException() throws IOException {
    Path file = ReadChats.write(dir, "stop.jsonl", "{oops}\n" + GOOD_LINE + "\n");
    InvalidRecordHandler stop =
        problem -> {
          throw new IllegalStateException("stopped at " + problem.line());
        };

    try (ConversationSource source = ChatReaders.open(file, "stop.jsonl", stop)) {
      assertEquals(
          "stopped at 1", assertThrows(IllegalStateException.class, source::next).getMessage());
    }
  }

  private String problem(String name, String jsonLine) {
    return ReadChats.firstProblem(dir, name, jsonLine + "\n").getMessage();
  }
}
