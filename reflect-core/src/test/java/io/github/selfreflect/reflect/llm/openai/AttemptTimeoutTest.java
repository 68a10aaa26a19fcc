package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.RetryPolicy;

import static io.github.selfreflect.reflect.llm.openai.TestSupport.seedRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.LlmRetriesExhaustedException;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code attemptTimeout} bounds one attempt as a whole, so a reply that trickles in (never silent
 * for long, as a slow server or proxy streams it) is cut off at the bound, and a longer bound
 * lets a slow reply through instead of a fixed default cutting it off.
 */
class AttemptTimeoutTest {

  /** Sent in pieces about 0.15 s apart: no read timeout of a second ever fires on it. */
  private static final Duration TRICKLE = Duration.ofMillis(1500);

  private final FakeLlmServer fake = new FakeLlmServer();

  @BeforeEach
  void start() throws IOException {
    fake.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiChatClient.Builder client() {
    return OpenAiChatClient.builder().baseUrl(fake.baseUrl()).retryPolicy(RetryPolicy.NONE);
  }

  @Test
  void aReplyLongerThanTheAttemptTimeoutFailsAsATimeout() {
    fake.enqueueFault(Fault.trickle(TRICKLE));

    LlmRetriesExhaustedException e =
        assertThrows(
            LlmRetriesExhaustedException.class,
            () -> client().attemptTimeout(Duration.ofSeconds(1)).build()
                .complete(seedRequest("hello")));

    assertEquals(LlmFailure.Kind.TIMEOUT, e.failure().kind(), e.getMessage());
    assertEquals(1, fake.requestCount());
  }

  @Test
  void aReplyWithinTheAttemptTimeoutArrives() throws Exception {
    fake.enqueueFault(Fault.trickle(TRICKLE));

    String content =
        client().attemptTimeout(Duration.ofSeconds(3)).build().complete(seedRequest("hello"))
            .content();

    assertEquals(FakeLlmServer.seedReply("hello"), content);
  }

  /** Why the bound must be the call's: the same reply passes a read timeout of one second. */
  @Test
  void aReadTimeoutAloneDoesNotBoundATrickledReply() throws Exception {
    fake.enqueueFault(Fault.trickle(TRICKLE));

    String content =
        client().readTimeout(Duration.ofSeconds(1)).build().complete(seedRequest("hello"))
            .content();

    assertEquals(FakeLlmServer.seedReply("hello"), content);
  }

  @Test
  void anAttemptTimeoutOfZeroIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> client().attemptTimeout(Duration.ZERO));
  }
}
