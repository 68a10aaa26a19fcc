package io.github.selfreflect.reflect.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidChatException;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The read-ahead must be invisible to a pass: same calls, same order, same thread, same ends. */
class ReadAheadCorpusTest {

  private static final int CONVERSATIONS = 1_000;

  @Test
  void replaysEveryCallInOrderOnTheCallingThread() throws IOException {
    List<String> direct = new ArrayList<>();
    scripted().forEachTarget(problem -> direct.add("invalid " + problem.getMessage()), recorder(direct));

    List<String> readAhead = new ArrayList<>();
    Thread caller = Thread.currentThread();
    List<Thread> threads = new ArrayList<>();
    new ReadAheadCorpus(scripted())
        .forEachTarget(
            problem -> {
              threads.add(Thread.currentThread());
              readAhead.add("invalid " + problem.getMessage());
            },
            new Recorder(readAhead) {
              @Override
              void seen() {
                threads.add(Thread.currentThread());
              }
            });

    assertTrue(direct.size() > CONVERSATIONS * 3, "the script covers many batches: " + direct.size());
    assertEquals(direct, readAhead);
    assertEquals(readAhead.size(), threads.size());
    assertTrue(threads.stream().allMatch(t -> t == caller), "every call on the calling thread");
  }

  @Test
  void aFailureOfTheCorpusArrivesAfterEveryCallBeforeIt() {
    IOException disk = new IOException("disk gone");
    ReflectPipeline.Corpus failing =
        (onInvalid, visitor) -> {
          for (int i = 0; i < 500; i++) {
            visitor.target(target(i), request(i), "key" + i);
          }
          throw disk;
        };
    AtomicInteger seen = new AtomicInteger();
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                new ReadAheadCorpus(failing)
                    .forEachTarget(InvalidRecordHandler.FAIL, (t, r, k) -> seen.incrementAndGet()));
    assertSame(disk, thrown);
    assertEquals(500, seen.get());
  }

  @Test
  void aVisitorThatThrowsStopsTheReaderBeforeThePassReturns() {
    AtomicInteger produced = new AtomicInteger();
    AtomicBoolean sourceUnwound = new AtomicBoolean();
    ReflectPipeline.Corpus endless =
        (onInvalid, visitor) -> {
          try {
            for (int i = 0; i < 10_000_000; i++) {
              visitor.target(target(i), request(i), "key" + i);
              produced.incrementAndGet();
            }
          } finally {
            sourceUnwound.set(true);
          }
        };
    IllegalStateException stop = new IllegalStateException("enough");
    AtomicInteger seen = new AtomicInteger();
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                new ReadAheadCorpus(endless)
                    .forEachTarget(
                        InvalidRecordHandler.FAIL,
                        (t, r, k) -> {
                          if (seen.incrementAndGet() == 100) {
                            throw stop;
                          }
                        }));
    assertSame(stop, thrown);
    assertTrue(sourceUnwound.get(), "the reading thread has ended when the pass returns");
    assertTrue(
        produced.get() < 100 + (ReadAheadCorpus.QUEUED + 2) * ReadAheadCorpus.BATCH,
        "read ahead a bounded distance only: " + produced.get());
    assertFalse(
        Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals("reflect-corpus-reader")),
        "no reading thread left behind");
  }

  @Test
  void thePassesHandlerDecidesOnBadRecordsInTheirPlace() throws IOException {
    InvalidChatException bad = new InvalidChatException("chats/a.jsonl", 11, "expected an object");
    ReflectPipeline.Corpus withBadRecord =
        (onInvalid, visitor) -> {
          for (int i = 0; i < 20; i++) {
            if (i == 10) {
              onInvalid.invalid(bad);
            }
            visitor.target(target(i), request(i), "key" + i);
          }
        };

    AtomicInteger seen = new AtomicInteger();
    InvalidChatException thrown =
        assertThrows(
            InvalidChatException.class,
            () ->
                new ReadAheadCorpus(withBadRecord)
                    .forEachTarget(InvalidRecordHandler.FAIL, (t, r, k) -> seen.incrementAndGet()));
    assertSame(bad, thrown);
    assertEquals(10, seen.get(), "the targets before the bad record, none after");

    AtomicInteger skipped = new AtomicInteger();
    seen.set(0);
    new ReadAheadCorpus(withBadRecord)
        .forEachTarget(problem -> skipped.incrementAndGet(), (t, r, k) -> seen.incrementAndGet());
    assertEquals(1, skipped.get());
    assertEquals(20, seen.get());
  }

  /** Conversations of 3 targets, with a bad record every 7th and a too-long target every 11th. */
  private static ReflectPipeline.Corpus scripted() {
    return (onInvalid, visitor) -> {
      for (int c = 0; c < CONVERSATIONS; c++) {
        if (c % 7 == 3) {
          onInvalid.invalid(new InvalidChatException("chats/a.jsonl", c + 1, "not JSON"));
          continue;
        }
        Conversation conversation = conversation(c);
        visitor.conversation(conversation);
        for (int t = 1; t <= 5; t += 2) {
          Target target = new Target(conversation, t);
          if ((c + t) % 11 == 0) {
            visitor.tooLong(target, "too long " + c);
          } else {
            visitor.target(target, request(c * 10 + t), "key-" + c + "-" + t);
          }
        }
      }
    };
  }

  private static ReflectPipeline.TargetVisitor recorder(List<String> calls) {
    return new Recorder(calls);
  }

  private static class Recorder implements ReflectPipeline.TargetVisitor {
    private final List<String> calls;

    Recorder(List<String> calls) {
      this.calls = calls;
    }

    void seen() {}

    @Override
    public void conversation(Conversation conversation) {
      seen();
      calls.add("conversation " + conversation.id());
    }

    @Override
    public void target(Target target, ChatRequest request, String key) {
      seen();
      calls.add(
          "target " + target.conversation().id() + "#" + target.index() + " "
              + request.messages().get(0).content() + " " + key);
    }

    @Override
    public void tooLong(Target target, String reason) {
      seen();
      calls.add("tooLong " + target.conversation().id() + "#" + target.index() + " " + reason);
    }
  }

  private static Conversation conversation(int n) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      messages.add(Message.of(Role.USER, "question " + n + "." + i));
      messages.add(Message.of(Role.ASSISTANT, "answer " + n + "." + i));
    }
    return new Conversation("c" + n, "a.jsonl", n + 1, messages);
  }

  private static Target target(int n) {
    return new Target(conversation(n), 1);
  }

  private static ChatRequest request(int n) {
    return new ChatRequest(
        "model", List.of(Message.of(Role.USER, "prompt " + n)), SamplingParameters.DEFAULTS);
  }
}
