package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams JSON Lines: one record per line, blank lines skipped. Each line is parsed on its own, so
 * a broken line (a truncated write, a stray edit) is reported and the next line read as usual.
 *
 * <p>The file is decoded as UTF-8; bytes that are not valid UTF-8 become U+FFFD rather than
 * stopping the read, as a log is more useful slightly damaged than not at all.
 */
final class JsonLinesConversationSource extends LookaheadConversationSource {

  private static final char BYTE_ORDER_MARK = '\uFEFF';
  private static final int BUFFER_CHARS = 64 * 1024;

  private final BufferedReader reader;
  private final RecordDecoder decoder;
  private long lineNumber;

  JsonLinesConversationSource(Path file, RecordDecoder decoder, InvalidRecordHandler onInvalid)
      throws IOException {
    super(onInvalid);
    this.reader =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8),
            BUFFER_CHARS);
    this.decoder = decoder;
  }

  @Override
  Conversation readNext() throws IOException {
    String text;
    while ((text = reader.readLine()) != null) {
      lineNumber++;
      if (lineNumber == 1 && !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
        text = text.substring(1);
      }
      if (text.isBlank()) {
        continue;
      }
      JsonNode record = parseLine(text);
      if (record == null) {
        continue;
      }
      try {
        return decoder.decode(record, lineNumber);
      } catch (InvalidChatException e) {
        report(e);
      }
    }
    return null;
  }

  /** The line's one JSON value, or null after reporting why there is none. */
  private JsonNode parseLine(String text) throws IOException {
    try (JsonParser parser = ChatJson.MAPPER.createParser(text)) {
      JsonNode record = parser.readValueAsTree();
      if (parser.nextToken() != null) {
        // Two records glued on one line: reading only the first would lose the second unseen.
        report(
            new InvalidChatException(
                decoder.sourceFile(),
                lineNumber,
                "expected one record per line, found more JSON after it at column "
                    + parser.currentTokenLocation().getColumnNr()));
        return null;
      }
      return record;
    } catch (JsonProcessingException e) {
      report(SyntaxErrors.of(decoder.sourceFile(), lineNumber, e));
      return null;
    }
  }

  @Override
  void closeFile() throws IOException {
    reader.close();
  }
}
