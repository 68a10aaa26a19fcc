package io.github.selfreflect.reflect.chat.format;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;

/**
 * A file that holds no records at all (it is not JSON of a kind we read). Reported like a bad
 * record, through the handler and from {@link #next()}, so that a run that skips bad records skips
 * this file too, instead of failing from {@code open}.
 */
final class UnreadableFileSource extends LookaheadConversationSource {

  private InvalidChatException problem;

  UnreadableFileSource(InvalidChatException problem, InvalidRecordHandler onInvalid) {
    super(onInvalid);
    this.problem = problem;
  }

  @Override
  Conversation readNext() {
    if (problem != null) {
      InvalidChatException once = problem;
      problem = null;
      report(once);
    }
    return null;
  }

  @Override
  void closeFile() {
    // Nothing is open: the file was only sniffed.
  }
}
