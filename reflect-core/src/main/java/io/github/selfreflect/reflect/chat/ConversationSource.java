package io.github.selfreflect.reflect.chat;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;

/**
 * Conversations streamed from one chat file, one record at a time, so that memory stays flat
 * however large the file. {@link #next()} throws {@link InvalidChatException} for a bad record
 * unless the reader was told to skip bad records, in which case it reports each to its {@link
 * InvalidRecordHandler} and moves on.
 */
public interface ConversationSource extends Iterator<Conversation>, Closeable {

  @Override
  void close() throws IOException;
}
