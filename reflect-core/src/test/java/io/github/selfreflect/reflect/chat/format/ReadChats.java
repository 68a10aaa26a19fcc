package io.github.selfreflect.reflect.chat.format;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: the copied corpus, small files written on the spot, and whole-file reads. */
final class ReadChats {

  private ReadChats() {}

  /** What a skipping read of one file gave: the good conversations and every reported problem. */
  record Result(List<Conversation> conversations, List<InvalidChatException> problems) {

    List<String> messages() {
      return problems.stream().map(InvalidChatException::getMessage).toList();
    }
  }

  /** A file of src/test/resources/corpus, by its name there ({@code sharegpt/...}). */
  static Path corpus(String name) {
    URL url = ReadChats.class.getResource("/corpus/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no test corpus file " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a corpus file, failing on the first bad record; it is named as in the corpus. */
  static List<Conversation> readCorpus(String name) {
    return readAll(corpus(name), name);
  }

  static List<Conversation> readAll(Path file, String relativeName) {
    List<Conversation> conversations = new ArrayList<>();
    try (ConversationSource source =
        ChatReaders.open(file, relativeName, InvalidRecordHandler.FAIL)) {
      source.forEachRemaining(conversations::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return conversations;
  }

  /** Reads with a handler that keeps every problem and skips the record. */
  static Result readSkipping(Path file, String relativeName) {
    List<Conversation> conversations = new ArrayList<>();
    List<InvalidChatException> problems = new ArrayList<>();
    try (ConversationSource source = ChatReaders.open(file, relativeName, problems::add)) {
      source.forEachRemaining(conversations::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Result(conversations, problems);
  }

  /** Writes {@code text} as UTF-8 to {@code dir/name} and returns the file. */
  static Path write(Path dir, String name, String text) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON text written over several lines for reading, as one JSONL line. */
  static String oneLine(String json) {
    return json.strip().replace("\n", " ") + "\n";
  }

  /** The one problem that reading {@code text} as file {@code name} reports, failing fast. */
  static InvalidChatException firstProblem(Path dir, String name, String text) {
    Path file = write(dir, name, text);
    try (ConversationSource source = ChatReaders.open(file, name, InvalidRecordHandler.FAIL)) {
      while (source.hasNext()) {
        try {
          source.next();
        } catch (InvalidChatException e) {
          return e;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no problem reported for " + name);
  }
}
