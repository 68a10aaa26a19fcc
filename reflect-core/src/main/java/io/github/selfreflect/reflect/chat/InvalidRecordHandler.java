package io.github.selfreflect.reflect.chat;

/** What a reader does with a record it cannot read. */
@FunctionalInterface
public interface InvalidRecordHandler {

  /** Fails on the first bad record: the default, because silently shrinking a dataset is worse. */
  InvalidRecordHandler FAIL =
      problem -> {
        throw problem;
      };

  /**
   * Called once for each bad record. Throw to stop reading; return to skip the record and go on.
   */
  void invalid(InvalidChatException problem);
}
