package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.Message;
import java.util.List;

/**
 * Turns one record of one file into a {@link Conversation}: picks the dialect by the record's keys,
 * so that one file may even mix dialects, reads the tools it declares ({@link ToolDefinitions})
 * and gives the conversation its id.
 */
final class RecordDecoder {

  private final String sourceFile;
  private final ConversationIds ids;

  RecordDecoder(String sourceFile) {
    this.sourceFile = sourceFile;
    this.ids = new ConversationIds(sourceFile);
  }

  String sourceFile() {
    return sourceFile;
  }

  /**
   * @param line the 1-based line where the record starts
   * @throws InvalidChatException when the record is not a conversation
   */
  Conversation decode(JsonNode record, long line) {
    try {
      List<Message> messages = messages(record);
      List<JsonNode> tools = ToolDefinitions.read(record);
      // The id is taken last, so that a record that fails does not use one up.
      return new Conversation(ids.assign(record), sourceFile, line, messages, tools);
    } catch (RecordProblem problem) {
      throw new InvalidChatException(sourceFile, line, problem.getMessage());
    }
  }

  private static List<Message> messages(JsonNode record) {
    if (!record.isObject()) {
      throw new RecordProblem(
          "expected a JSON object (one conversation), found " + ChatJson.describe(record));
    }
    boolean shareGpt = record.has(ShareGptDialect.KEY);
    boolean openAi = record.has(OpenAiDialect.KEY);
    if (shareGpt && openAi) {
      // Reading either one would silently drop the other.
      throw new RecordProblem(
          "expected either '"
              + ShareGptDialect.KEY
              + "' or '"
              + OpenAiDialect.KEY
              + "', found both");
    }
    if (shareGpt) {
      return ShareGptDialect.messages(record);
    }
    if (openAi) {
      return OpenAiDialect.messages(record);
    }
    throw new RecordProblem(
        "expected a '"
            + ShareGptDialect.KEY
            + "' array (ShareGPT) or a '"
            + OpenAiDialect.KEY
            + "' array (OpenAI chat), found "
            + ChatJson.describe(record));
  }
}
