package io.github.selfreflect.reflect.chat;

/**
 * A chat file holds something that is not a valid conversation. The message always names the
 * file, the line and what was expected, in the form {@code file:line: expected ..., found ...}, so
 * that a user can go straight to the record at fault.
 */
public final class InvalidChatException extends RuntimeException {

  private final String file;
  private final long line;
  private final String problem;

  public InvalidChatException(String file, long line, String problem) {
    this(file, line, problem, null);
  }

  public InvalidChatException(String file, long line, String problem, Throwable cause) {
    super(file + ":" + line + ": " + problem, cause);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  /** The file, relative to the chats directory. */
  public String file() {
    return file;
  }

  /** The 1-based line of the record (or of the syntax error) at fault. */
  public long line() {
    return line;
  }

  /** What was expected and what was found, without the location. */
  public String problem() {
    return problem;
  }
}
