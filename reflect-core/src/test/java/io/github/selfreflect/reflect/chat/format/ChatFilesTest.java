package io.github.selfreflect.reflect.chat.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatFilesTest {

  @TempDir Path chats;

  @Test
  void listsJsonAndJsonlFilesRecursivelyInRelativeNameOrder() throws IOException {
    for (String name :
        List.of(
            "b.jsonl",
            "a/z.json",
            "a/b/c.jsonl",
            "A.JSON",
            "aa.json",
            "notes.txt",
            "a/readme.md",
            "a/data.json.bak",
            "folder.json/inner.jsonl")) {
      ReadChats.write(chats, name, "[]");
    }

    List<String> names =
        ChatFiles.list(chats).stream().map(file -> ChatFiles.relativeName(chats, file)).toList();

    // Plain string order of the '/' names: '/' sorts before letters, upper case before lower.
    assertEquals(
        List.of(
            "A.JSON", "a/b/c.jsonl", "a/z.json", "aa.json", "b.jsonl", "folder.json/inner.jsonl"),
        names);
  }

  @Test
  void listsNothingInAnEmptyDirectory() throws IOException {
    assertEquals(List.of(), ChatFiles.list(chats));
  }

  @Test
  void relativeNameSeparatesWithSlashes() {
    Path file = chats.resolve("sharegpt").resolve("day1").resolve("log.jsonl");

    assertEquals("sharegpt/day1/log.jsonl", ChatFiles.relativeName(chats, file));
  }

  @Test
  void relativeNameRejectsAFileOutsideTheDirectory() {
    Path outside = chats.resolveSibling("elsewhere.json");

    assertThrows(IllegalArgumentException.class, () -> ChatFiles.relativeName(chats, outside));
  }

  @Test
  void aMissingDirectoryIsAnErrorNamingIt() {
    Path missing = chats.resolve("no-such-chats");

    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ChatFiles.list(missing));

    assertEquals(missing + ": the chats directory does not exist", e.getMessage());
  }

  @Test
  void aFileInsteadOfADirectoryIsAnErrorNamingIt() throws IOException {
    Path file = Files.writeString(chats.resolve("chats.json"), "[]");

    FileSystemException e = assertThrows(FileSystemException.class, () -> ChatFiles.list(file));

    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().endsWith("is not a directory"), e.getMessage());
  }
}
