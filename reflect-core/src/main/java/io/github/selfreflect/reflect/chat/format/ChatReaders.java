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
 * <p>The layout is told from the content, not the file name: a file whose first non-blank
 * character is {@code [} is a JSON array of records; {@code {} starts JSON Lines, one record per
 * line, blank lines skipped (a {@code {} alone on the first line is taken for a pretty-printed
 * record, or several, one after another); an empty file has no records. Each record then picks its
 * own dialect by its keys: {@code conversations} is ShareGPT, {@code messages} is OpenAI chat.
 *
 * <p>Reading streams: one record is in memory at a time, however large the file. Bad input is
 * reported as {@link InvalidChatException} ({@code file:line: expected ..., found ...}) through
 * {@code onInvalid}: {@link InvalidRecordHandler#FAIL} makes {@code next()} throw it; a handler
 * that returns skips the record. A JSON syntax error in JSON Lines skips only that line; in an
 * array (or a pretty-printed file) it ends the file, because the parser cannot find where the
 * next record starts.
 */
public final class ChatReaders {

  private ChatReaders() {}

  /**
   * Opens {@code file} for reading. Only an unreadable file fails here; everything about its
   * content is reported while iterating, so that a handler that skips bad input also skips a file
   * that is not chat data at all.
   *
   * @param relativeName the file's name relative to the chats directory, with {@code /}
   *     separators (see {@link ChatFiles#relativeName}); it names the file in problems, becomes
   *     {@link io.github.selfreflect.reflect.chat.Conversation#sourceFile()} and seeds derived ids
   * @param onInvalid what to do with each bad record
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
