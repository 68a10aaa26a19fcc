package io.github.selfreflect.reflect.chat.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a file's layout is recognised, and the iterator's behaviour, whatever the dialect. */
class ChatReadersTest {

  private static final String RECORD =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

  @TempDir Path dir;

  @Test
  void theLayoutComesFromTheContentNotTheFileName() {
    assertEquals(2, read("lines.json", RECORD + "\n" + RECORD + "\n").size());
    assertEquals(2, read("array.jsonl", "[" + RECORD + ", " + RECORD + "]").size());
  }

  @Test
  void emptyAndBlankFilesHaveNoConversations() {
    assertEquals(List.of(), read("empty.json", ""));
    assertEquals(List.of(), read("blank.jsonl", "  \n\n\t\n"));
    assertEquals(List.of(), read("none.json", " [ ] "));
  }

  @Test
  void blankLinesAreSkippedButCounted() {
    List<Conversation> conversations = read("gaps.jsonl", "\n" + RECORD + "\n\n   \n" + RECORD);

    assertEquals(List.of(2L, 5L), conversations.stream().map(Conversation::line).toList());
  }

  @Test
  void prettyPrintedRecordsOneAfterAnotherAreRead() {
    List<Conversation> conversations =
        read(
            "pretty.json",
            """
            {
              "conversations": [{"from": "human", "value": "one"}]
            }
            {
              "conversations": [{"from": "human", "value": "two"}]
            }
            """);

    assertEquals(List.of(1L, 4L), conversations.stream().map(Conversation::line).toList());
    assertEquals(Message.of(Role.USER, "two"), conversations.get(1).messages().get(0));
  }

  @Test
  void aByteOrderMarkIsIgnored() {
    assertEquals(List.of(1L), lines(read("bom.jsonl", "\uFEFF" + RECORD + "\n")));
    assertEquals(List.of(1L), lines(read("bom.json", "\uFEFF[" + RECORD + "]\n")));
    assertEquals(
        "hi", read("bom.json", "\uFEFF[" + RECORD + "]").get(0).messages().get(0).content());
  }

  @Test
  void windowsLineEndingsCountOneLineEach() {
    assertEquals(List.of(1L, 3L), lines(read("crlf.jsonl", RECORD + "\r\n\r\n" + RECORD + "\r\n")));
    assertEquals(
        List.of(2L, 3L), lines(read("crlf.json", "[\r\n" + RECORD + ",\r\n" + RECORD + "\r\n]")));
  }

  @Test
  void nonAsciiTextIsReadAsUtf8() {
    Conversation conversation =
        read(
                "utf8.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"你好, Ünïcödé 👋\"}]}")
            .get(0);

    assertEquals("你好, Ünïcödé 👋", conversation.messages().get(0).content());
  }

  @Test
  void iteratorSemantics() throws IOException {
    Path file = ReadChats.write(dir, "one.jsonl", RECORD + "\n");

    try (ConversationSource source =
        ChatReaders.open(file, "one.jsonl", InvalidRecordHandler.FAIL)) {
      source.next(); // without asking hasNext() first
      assertFalse(source.hasNext());
      assertFalse(source.hasNext());
      assertThrows(NoSuchElementException.class, source::next);
    }
  }

  @Test
  void closingEndsTheIterationAndMayBeRepeated() throws IOException {
    for (String name : List.of("closed.jsonl", "closed.json")) {
      Path file =
          ReadChats.write(
              dir, name, name.endsWith("l") ? RECORD + "\n" + RECORD : "[" + RECORD + "]");
      ConversationSource source = ChatReaders.open(file, name, InvalidRecordHandler.FAIL);
      source.close();
      source.close();

      assertFalse(source.hasNext(), name);
    }
  }

  @Test
  void aMissingFileFailsOnOpen() {
    assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> ChatReaders.open(dir.resolve("gone.json"), "gone.json", InvalidRecordHandler.FAIL));
  }

  private List<Conversation> read(String name, String text) {
    return ReadChats.readAll(ReadChats.write(dir, name, text), name);
  }

  private static List<Long> lines(List<Conversation> conversations) {
    return conversations.stream().map(Conversation::line).toList();
  }
}
