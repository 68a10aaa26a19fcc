package io.github.selfreflect.reflect.chat.format;

/**
 * What is wrong with one record, before the reader adds the file and line. The dialect decoders see
 * only a JSON tree, not where it came from; {@link RecordDecoder} turns this into an {@link
 * io.github.selfreflect.reflect.chat.InvalidChatException}.
 */
final class RecordProblem extends RuntimeException {

  /** A problem worded {@code expected ..., found ...}, without file or line. */
  RecordProblem(String problem) {
    // No stack trace: this is control flow for bad input, thrown once per bad record, and the
    // InvalidChatException that replaces it carries the useful one.
    super(problem, null, false, false);
  }
}
