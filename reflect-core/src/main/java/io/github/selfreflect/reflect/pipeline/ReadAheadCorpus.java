package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.util.Threads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A corpus read on a thread of its own, a bounded distance ahead of the pass that visits it.
 *
 * <p>Reading a target means parsing its conversation, rendering its prompt and hashing the
 * request into its cache key: in a warm build that is about as much work as everything the pass
 * does with the target afterwards (the cache lookup, handing the record to the dataset writer).
 * On one thread the two add up; here they overlap. The visitor still sees every call on the
 * calling thread, in the corpus's order, exactly as the corpus makes them, so a pass cannot tell
 * the difference: bad records reach its {@link InvalidRecordHandler} there too, in their place,
 * and a handler that throws stops the pass where it would have stopped anyway.
 *
 * <p>The queue holds at most {@value #QUEUED} batches of {@value #BATCH} calls (batched so that
 * handing over a million targets does not cost a million hand-overs), so memory stays flat. When
 * the pass ends early (its visitor throws, the handler throws, nothing more is needed), the
 * reading thread is told to stop and is waited for before {@link #forEachTarget} returns: no
 * thread outlives its pass, and every chat file is closed.
 */
final class ReadAheadCorpus implements ReflectPipeline.Corpus {

  static final int BATCH = 64;
  static final int QUEUED = 16;

  private final ReflectPipeline.Corpus source;

  ReadAheadCorpus(ReflectPipeline.Corpus source) {
    this.source = source;
  }

  @Override
  public void forEachTarget(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor)
      throws IOException {
    Reader reader = new Reader();
    Thread thread = new Thread(reader, "reflect-corpus-reader");
    thread.setDaemon(true);
    thread.start();
    try {
      while (true) {
        List<Call> batch = reader.queue.take();
        for (Call call : batch) {
          if (call instanceof End end) {
            end.rethrow();
            return;
          }
          call.deliver(onInvalid, visitor);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the chat files");
    } finally {
      reader.stopped = true;
      reader.queue.clear();
      Threads.joinUninterruptibly(thread);
    }
  }

  /** One call the corpus made, replayed on the visiting thread. */
  private sealed interface Call {
    void deliver(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor)
        throws IOException;
  }

  private record ConversationCall(Conversation conversation) implements Call {
    @Override
    public void deliver(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor)
        throws IOException {
      visitor.conversation(conversation);
    }
  }

  private record TargetCall(Target target, ChatRequest request, String key) implements Call {
    @Override
    public void deliver(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor)
        throws IOException {
      visitor.target(target, request, key);
    }
  }

  private record TooLongCall(Target target, String reason) implements Call {
    @Override
    public void deliver(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor)
        throws IOException {
      visitor.tooLong(target, reason);
    }
  }

  private record InvalidCall(InvalidChatException problem) implements Call {
    @Override
    public void deliver(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor) {
      onInvalid.invalid(problem);
    }
  }

  /** The last call: the corpus ended, normally ({@code failure} null) or by throwing. */
  private record End(Throwable failure) implements Call {
    @Override
    public void deliver(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor) {
      throw new IllegalStateException("the end is not delivered");
    }

    /** The reading thread's failure, as the calling thread would have met it. */
    void rethrow() throws IOException {
      if (failure == null) {
        return;
      }
      if (failure instanceof IOException e) {
        throw e;
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      throw new IOException("reading the chat files failed", failure);
    }
  }

  /** Thrown on the reading thread to unwind the corpus once the pass no longer listens. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** The reading thread: the corpus's calls, recorded in batches. */
  private final class Reader implements Runnable, ReflectPipeline.TargetVisitor {
    final BlockingQueue<List<Call>> queue = new ArrayBlockingQueue<>(QUEUED);
    volatile boolean stopped;
    private List<Call> batch = new ArrayList<>(BATCH);

    @Override
    public void run() {
      Throwable failure = null;
      try {
        // The corpus never sees the pass's handler: a bad record is recorded in its place and
        // the corpus goes on; whether to go on is the pass's handler's decision, made in order.
        source.forEachTarget(problem -> add(new InvalidCall(problem)), this);
      } catch (Stopped stopped) {
        return;
      } catch (Throwable t) {
        failure = t;
      }
      try {
        batch.add(new End(failure));
        handOver();
      } catch (Stopped stopped) {
        // The pass is gone; nobody is waiting for the end.
      }
    }

    @Override
    public void conversation(Conversation conversation) {
      add(new ConversationCall(conversation));
    }

    @Override
    public void target(Target target, ChatRequest request, String key) {
      add(new TargetCall(target, request, key));
    }

    @Override
    public void tooLong(Target target, String reason) {
      add(new TooLongCall(target, reason));
    }

    private void add(Call call) {
      batch.add(call);
      if (batch.size() == BATCH) {
        handOver();
      }
    }

    private void handOver() {
      try {
        while (!queue.offer(batch, 50, TimeUnit.MILLISECONDS)) {
          if (stopped) {
            throw new Stopped();
          }
        }
      } catch (InterruptedException e) {
        throw new Stopped();
      }
      if (stopped) {
        throw new Stopped();
      }
      batch = new ArrayList<>(BATCH);
    }
  }
}
