package io.github.selfreflect.reflect.chat.format;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/**
 * Iterator plumbing shared by the readers: {@link #hasNext()} reads one conversation ahead,
 * skipping (and reporting) bad records on the way.
 *
 * <p>A failure met while reading ahead (the handler rethrowing a bad record, an I/O error) is not
 * thrown from {@code hasNext()}: it is kept and thrown by the following {@link #next()}, as {@link
 * ConversationSource} promises, so that {@code hasNext()} stays a question. A caller that catches
 * it may go on reading where that makes sense (the next JSONL line, the next array element).
 */
abstract class LookaheadConversationSource implements ConversationSource {

  private final InvalidRecordHandler onInvalid;
  private Conversation lookahead;
  private RuntimeException pendingFailure;
  private boolean finished;

  LookaheadConversationSource(InvalidRecordHandler onInvalid) {
    this.onInvalid = onInvalid;
  }

  /**
   * Reads the next good conversation, passing every bad record to {@link #report} first.
   *
   * @return null at the end of the file
   */
  abstract Conversation readNext() throws IOException;

  /** Releases the file. */
  abstract void closeFile() throws IOException;

  /** Hands a bad record to the handler, which either returns (skip it) or throws (stop). */
  final void report(InvalidChatException problem) {
    onInvalid.invalid(problem);
  }

  @Override
  public final boolean hasNext() {
    if (lookahead == null && pendingFailure == null && !finished) {
      try {
        lookahead = readNext();
        finished = lookahead == null;
      } catch (IOException e) {
        pendingFailure = new UncheckedIOException(e);
      } catch (RuntimeException e) {
        pendingFailure = e;
      }
    }
    return lookahead != null || pendingFailure != null;
  }

  @Override
  public final Conversation next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (pendingFailure != null) {
      RuntimeException failure = pendingFailure;
      pendingFailure = null;
      throw failure;
    }
    Conversation conversation = lookahead;
    lookahead = null;
    return conversation;
  }

  @Override
  public final void close() throws IOException {
    finished = true;
    lookahead = null;
    pendingFailure = null;
    closeFile();
  }
}
