package io.github.selfreflect.reflect.prompt;

import java.nio.file.Path;

/**
 * A user's template file that cannot be used: its message is {@code file:line: reason}, found when
 * the file is loaded, before any request is sent.
 */
public final class InvalidTemplateException extends Exception {

  private final Path file;
  private final int line;

  public InvalidTemplateException(Path file, int line, String reason) {
    super(file + ":" + line + ": " + reason);
    this.file = file;
    this.line = line;
  }

  public Path file() {
    return file;
  }

  /** The 1-based line at fault. */
  public int line() {
    return line;
  }
}
