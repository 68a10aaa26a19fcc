package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams records from a file that is one JSON document: a top-level array of records, or (for a
 * pretty-printed record that does not fit JSONL's one line) one or more records one after another.
 * One {@link JsonParser} walks the file and materializes a single record at a time.
 *
 * <p>After a JSON syntax error the parser cannot find the start of the next record (a stray quote
 * changes the meaning of everything after it), so the error is reported once and the rest of the
 * file is not read. A record that is valid JSON but not a valid conversation is reported and
 * skipped, and reading goes on.
 */
final class JsonStreamConversationSource extends LookaheadConversationSource {

  private final JsonParser parser;
  private final RecordDecoder decoder;
  private final boolean insideArray;
  private boolean started;
  private boolean ended;

  private JsonStreamConversationSource(
      JsonParser parser,
      RecordDecoder decoder,
      boolean insideArray,
      InvalidRecordHandler onInvalid) {
    super(onInvalid);
    this.parser = parser;
    this.decoder = decoder;
    this.insideArray = insideArray;
  }

  /** A file whose first token is {@code [}: every element is a record. */
  static JsonStreamConversationSource array(
      Path file, RecordDecoder decoder, InvalidRecordHandler onInvalid) throws IOException {
    return new JsonStreamConversationSource(open(file), decoder, true, onInvalid);
  }

  /** A file of top-level JSON values: every value is a record. */
  static JsonStreamConversationSource values(
      Path file, RecordDecoder decoder, InvalidRecordHandler onInvalid) throws IOException {
    return new JsonStreamConversationSource(open(file), decoder, false, onInvalid);
  }

  private static JsonParser open(Path file) throws IOException {
    // From bytes, not a Reader: Jackson then detects the encoding and skips a byte order mark.
    return ChatJson.MAPPER.createParser(Files.newInputStream(file));
  }

  @Override
  Conversation readNext() throws IOException {
    while (!ended) {
      JsonNode record;
      long line;
      try {
        if (!started) {
          started = true;
          if (insideArray) {
            parser.nextToken(); // the '[' that ChatFileLayout saw
          }
        }
        JsonToken token = parser.nextToken();
        if (token == null || (insideArray && token == JsonToken.END_ARRAY)) {
          ended = true;
          if (token != null) {
            expectEndOfFile();
          }
          return null;
        }
        line = parser.currentTokenLocation().getLineNr();
        record = parser.readValueAsTree();
      } catch (JsonProcessingException e) {
        ended = true;
        report(SyntaxErrors.of(decoder.sourceFile(), e));
        return null;
      }
      try {
        return decoder.decode(record, line);
      } catch (InvalidChatException e) {
        report(e);
      }
    }
    return null;
  }

  private void expectEndOfFile() throws IOException {
    JsonToken after = parser.nextToken();
    if (after != null) {
      report(
          new InvalidChatException(
              decoder.sourceFile(),
              parser.currentTokenLocation().getLineNr(),
              "expected the end of the file after the array of records, found more JSON: '"
                  + parser.getText()
                  + "'"));
    }
  }

  @Override
  void closeFile() throws IOException {
    parser.close();
  }
}
