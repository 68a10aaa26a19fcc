package io.github.selfreflect.reflect.chat.format;

import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens a chat file as a stream of conversations.
 *
 * <p><b>Layout, by content:</b> the file name does not matter. A file whose first non-blank
 * character is {@code [} is a JSON array of records. One that starts with <code>&#123;</code> is
 * JSON Lines: one record per line, blank lines skipped (but a <code>&#123;</code> alone on the
 * first line is taken for a pretty-printed record, or several, one after another). An empty or
 * blank file has no records.
 *
 * <p><b>Dialect, per record:</b> a record with {@code conversations} is ShareGPT ({@code from} /
 * {@code value}, with LLaMA-Factory's {@code system}, {@code function_call} and {@code
 * observation}); one with {@code messages} is OpenAI chat ({@code role} / {@code content}, with
 * {@code tool_calls}, {@code tool_call_id} and {@code name}). Speaker and role names match in any
 * case. Content parts are flattened to text, <b>which loses what is not text</b>: an image, audio
 * or reasoning part becomes a placeholder such as {@code [image_url]}. Keys that a {@link
 * io.github.selfreflect.reflect.chat.Conversation} cannot hold ({@code tools}, {@code chosen},
 * {@code images}, ...) are ignored.
 *
 * <p><b>Streaming:</b> one record is in memory at a time, however large the file (plus the ids
 * given out so far, to keep them unique in the file).
 *
 * <p><b>Bad input</b> is an {@link InvalidChatException} ({@code file:line: expected ..., found
 * ...}) handed to {@code onInvalid}: with {@link InvalidRecordHandler#FAIL} {@code next()} throws
 * it; a handler that returns skips the record. A JSON syntax error in JSON Lines skips only that
 * line; in an array (or a pretty-printed file) it ends the file, because after a syntax error the
 * parser cannot tell where the next record starts.
 */
public final class ChatReaders {

  private ChatReaders() {}

  /**
   * Opens {@code file} for reading. Only an unreadable file fails here; everything about its
   * content is reported while iterating, so that a handler that skips bad input also skips a file
   * that is not chat data at all.
   *
   * @param file the chat file
   * @param relativeName the file's name relative to the chats directory, with {@code /} separators
   *     (see {@link ChatFiles#relativeName}); it names the file in problems, becomes {@link
   *     io.github.selfreflect.reflect.chat.Conversation#sourceFile()} and seeds derived ids
   * @param onInvalid what to do with each bad record
   * @return the file's conversations, in file order; close it when done
   * @throws IOException if the file cannot be opened
   */
  public static ConversationSource open(
      Path file, String relativeName, InvalidRecordHandler onInvalid) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(relativeName, "relativeName");
    Objects.requireNonNull(onInvalid, "onInvalid");
    ChatFileLayout.Sniffed sniffed = ChatFileLayout.sniff(file);
    RecordDecoder decoder = new RecordDecoder(relativeName);
    return switch (sniffed.layout()) {
      case JSON_ARRAY -> JsonStreamConversationSource.array(file, decoder, onInvalid);
      case JSON_VALUES -> JsonStreamConversationSource.values(file, decoder, onInvalid);
      case JSON_LINES, EMPTY -> new JsonLinesConversationSource(file, decoder, onInvalid);
      case UNRECOGNIZED ->
          new UnreadableFileSource(
              new InvalidChatException(
                  relativeName,
                  sniffed.line(),
                  "expected a JSON array of records ('[') or JSON Lines ('{'), found "
                      + sniffed.firstCharacter()),
              onInvalid);
    };
  }
}
