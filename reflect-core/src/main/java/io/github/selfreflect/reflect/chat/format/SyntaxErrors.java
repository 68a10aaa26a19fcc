package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.selfreflect.reflect.chat.InvalidChatException;

/**
 * Words a Jackson syntax error as {@code file:line: expected valid JSON, found a syntax error at
 * column N: <Jackson's description>}.
 */
final class SyntaxErrors {

  private SyntaxErrors() {}

  /** For a parser that reads the whole file: its location is the file's line. */
  static InvalidChatException of(String sourceFile, JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    long line = location == null ? 1 : Math.max(1, location.getLineNr());
    return of(sourceFile, line, e);
  }

  /** For a parser that read one line of the file: only the column comes from the parser. */
  static InvalidChatException of(String sourceFile, long line, JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    String where =
        location == null || location.getColumnNr() < 1
            ? ""
            : " at column " + location.getColumnNr();
    return new InvalidChatException(
        sourceFile,
        line,
        "expected valid JSON, found a syntax error" + where + ": " + jacksonProblem(e),
        e);
  }

  /**
   * Jackson's own wording of the problem, which is precise ("Unexpected character ('}' ...)"), but
   * without the parts that repeat the location in Jackson's terms, which the prefix already gives.
   */
  private static String jacksonProblem(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null || message.isBlank()) {
      return "a syntax error";
    }
    int sourceMention = message.indexOf(" (start marker at");
    if (sourceMention >= 0) {
      message = message.substring(0, sourceMention);
    }
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    return message.strip();
  }
}
