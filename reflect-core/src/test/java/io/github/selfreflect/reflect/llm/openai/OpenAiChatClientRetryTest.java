package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.RetryPolicy;

import static io.github.selfreflect.reflect.llm.openai.TestSupport.seedRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmRetriesExhaustedException;
import io.github.selfreflect.reflect.llm.openai.TestSupport.RecordingListener;
import io.github.selfreflect.reflect.llm.openai.TestSupport.RecordingSleeper;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Transient failures are retried, with the delays the policy or the server asks for. */
class OpenAiChatClientRetryTest {

  private final FakeLlmServer fake = new FakeLlmServer();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void start() throws IOException {
    fake.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiChatClient.Builder client() {
    return OpenAiChatClient.builder()
        .baseUrl(fake.baseUrl())
        .apiKey("sk-retry-key")
        .retryPolicy(TestSupport.FAST)
        .sleeper(sleeper)
        .retryListener(listener)
        .jitterSeed(7)
        .readTimeout(Duration.ofSeconds(5));
  }

  private void assertRecoveredAfter(int attempts, ChatResponse response) {
    assertEquals(FakeLlmServer.seedReply("hello"), response.content());
    assertEquals(attempts, fake.requestCount());
    assertEquals(attempts - 1, sleeper.delays.size());
    assertEquals(attempts - 1, listener.retries.size());
    for (int i = 0; i < listener.retries.size(); i++) {
      assertEquals(i + 1, listener.retries.get(i).attempt());
      assertEquals(sleeper.delays.get(i), listener.retries.get(i).delay());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 409, 429, 500, 502, 503, 504, 529})
  void retriesTransientStatusThenSucceeds(int status) throws Exception {
    fake.enqueueFault(Fault.status(status));

    ChatResponse response = client().build().complete(seedRequest("hello"));

    assertRecoveredAfter(2, response);
    assertTrue(listener.retries.get(0).reason().startsWith("returned " + status + ": "),
        listener.retries.get(0).reason());
  }

  @Test
  void retriesSeveralFailuresInARow() throws Exception {
    fake.enqueueFaults(Fault.status(503), Fault.rateLimited(), Fault.status(502));

    assertRecoveredAfter(4, client().build().complete(seedRequest("hello")));
  }

  @Test
  void backoffGrowsAndIsJittered() throws Exception {
    fake.enqueueFaults(Fault.status(500), Fault.status(500), Fault.status(500));

    client().build().complete(seedRequest("hello"));

    long[] base = {100, 200, 400};
    for (int i = 0; i < base.length; i++) {
      long ms = sleeper.delays.get(i).toMillis();
      assertTrue(ms >= base[i] / 2 && ms <= base[i], "retry " + (i + 1) + " waited " + ms);
    }
  }

  @Test
  void sameSeedGivesSameDelays() throws Exception {
    RecordingSleeper other = new RecordingSleeper();

    fake.enqueueFaults(Fault.status(500), Fault.status(500));
    client().build().complete(seedRequest("hello"));
    fake.enqueueFaults(Fault.status(500), Fault.status(500));
    client().sleeper(other).build().complete(seedRequest("hello"));

    assertEquals(List.of(sleeper.delays.get(0), sleeper.delays.get(1)), other.delays);
  }

  @Test
  void honoursRetryAfterSeconds() throws Exception {
    fake.enqueueFault(Fault.rateLimited(7));

    assertRecoveredAfter(2, client().build().complete(seedRequest("hello")));
    assertEquals(List.of(Duration.ofSeconds(7)), sleeper.delays);
  }

  @Test
  void retryAfterMsWinsOverRetryAfter() throws Exception {
    fake.enqueueFault(Fault.rateLimited(7).withHeader("retry-after-ms", "1500"));

    client().build().complete(seedRequest("hello"));

    assertEquals(List.of(Duration.ofMillis(1500)), sleeper.delays);
  }

  @Test
  void honoursRetryAfterHttpDate() throws Exception {
    Instant now = Instant.parse("2026-11-24T10:00:00Z");
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        now.plusSeconds(30).atOffset(ZoneOffset.UTC));
    fake.enqueueFault(Fault.status(503).withHeader("Retry-After", date));

    client().clock(Clock.fixed(now, ZoneOffset.UTC)).build().complete(seedRequest("hello"));

    assertEquals("Tue, 24 Nov 2026 10:00:30 GMT", date);
    assertEquals(List.of(Duration.ofSeconds(30)), sleeper.delays);
  }

  @Test
  void capsAHugeRetryAfter() throws Exception {
    fake.enqueueFault(Fault.rateLimited(86_400));

    client().build().complete(seedRequest("hello"));

    assertEquals(List.of(RetryPolicy.DEFAULT_MAX_RETRY_AFTER), sleeper.delays);
  }

  @Test
  void unreadableOrPastRetryAfterFallsBackToBackoff() throws Exception {
    fake.enqueueFaults(Fault.rateLimited().withHeader("Retry-After", "soon"),
        Fault.rateLimited().withHeader("Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT"));

    client().build().complete(seedRequest("hello"));

    assertTrue(sleeper.delays.get(0).toMillis() <= 100, sleeper.delays.toString());
    assertTrue(sleeper.delays.get(1).toMillis() <= 200, sleeper.delays.toString());
  }

  @Test
  void exhaustedRetriesNameEndpointAttemptsAndLastStatus() {
    for (int i = 0; i < 4; i++) {
      fake.enqueueFault(Fault.status(503));
    }

    LlmRetriesExhaustedException e = assertThrows(LlmRetriesExhaustedException.class,
        () -> client().build().complete(seedRequest("hello")));

    assertEquals("POST " + fake.baseUrl() + "/chat/completions failed after 4 attempts; last:"
        + " returned 503: The engine is currently overloaded, please try again later.",
        e.getMessage());
    assertEquals(503, e.status());
    assertEquals(4, e.attempts());
    assertEquals(4, fake.requestCount());
    assertEquals(3, sleeper.delays.size());
  }

  @Test
  void noRetriesWithPolicyNone() {
    fake.enqueueFault(Fault.status(500));

    LlmRetriesExhaustedException e = assertThrows(LlmRetriesExhaustedException.class,
        () -> client().retryPolicy(RetryPolicy.NONE).build().complete(seedRequest("hello")));

    assertTrue(e.getMessage().contains("failed after 1 attempt;"), e.getMessage());
    assertEquals(1, fake.requestCount());
  }

  @Test
  void retriesBodyCutShort() throws Exception {
    fake.enqueueFault(Fault.disconnectMidBody());

    assertRecoveredAfter(2, client().build().complete(seedRequest("hello")));
    assertTrue(listener.retries.get(0).reason().startsWith("returned 200 but the body failed"),
        listener.retries.get(0).reason());
  }

  @Test
  void retriesConnectionReset() throws Exception {
    fake.enqueueFault(Fault.connectionReset());

    assertRecoveredAfter(2, client().build().complete(seedRequest("hello")));
  }

  @Test
  void retriesReadTimeout() throws Exception {
    fake.enqueueFault(Fault.slow(Duration.ofMillis(600)));

    ChatResponse response = client().readTimeout(Duration.ofMillis(150)).build()
        .complete(seedRequest("hello"));

    assertRecoveredAfter(2, response);
    // OkHttp words it "timeout" or "Read timed out" depending on where the wait ended.
    assertTrue(listener.retries.get(0).reason().toLowerCase(java.util.Locale.ROOT)
            .matches("(?s).*time(d )?out.*"),
        listener.retries.get(0).reason());
  }

  @Test
  void retriesCallTimeout() throws Exception {
    fake.enqueueFault(Fault.slow(Duration.ofMillis(600)));

    ChatResponse response = client().callTimeout(Duration.ofMillis(150)).build()
        .complete(seedRequest("hello"));

    assertRecoveredAfter(2, response);
  }

  @Test
  void exhaustedTimeoutsKeepTheLastIoErrorAsCause() {
    for (int i = 0; i < 2; i++) {
      fake.enqueueFault(Fault.slow(Duration.ofMillis(500)));
    }

    LlmRetriesExhaustedException e = assertThrows(LlmRetriesExhaustedException.class,
        () -> client().retryPolicy(TestSupport.FAST.withMaxAttempts(2))
            .readTimeout(Duration.ofMillis(100)).build().complete(seedRequest("hello")));

    assertEquals(0, e.status());
    assertInstanceOf(InterruptedIOException.class, e.getCause());
    assertTrue(e.getMessage().contains("failed after 2 attempts; last: SocketTimeoutException"),
        e.getMessage());
  }

  @Test
  void retriesConnectionRefused() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    OpenAiChatClient client = client().baseUrl("http://127.0.0.1:" + port + "/v1")
        .connectTimeout(Duration.ofSeconds(1)).retryPolicy(TestSupport.FAST.withMaxAttempts(2))
        .build();

    LlmRetriesExhaustedException e =
        assertThrows(LlmRetriesExhaustedException.class, () -> client.complete(seedRequest("x")));

    assertTrue(e.getMessage().startsWith("POST http://127.0.0.1:" + port
        + "/v1/chat/completions failed after 2 attempts; last: ConnectException"), e.getMessage());
    assertEquals(1, sleeper.delays.size());
  }

  @Test
  void retriesBodyThatIsNotJson() throws Exception {
    fake.enqueueFault(Fault.bodyNotJson());

    assertRecoveredAfter(2, client().build().complete(seedRequest("hello")));
    assertTrue(listener.retries.get(0).reason().startsWith(
        "returned 200 with a body that is not JSON: <html>"), listener.retries.get(0).reason());
  }

  @Test
  void retriesEmptyChoices() throws Exception {
    fake.enqueueFault(Fault.emptyChoices());

    assertRecoveredAfter(2, client().build().complete(seedRequest("hello")));
    assertEquals("returned 200 with empty choices", listener.retries.get(0).reason());
  }

  @Test
  void retriesErrorObjectSentWithStatus200() throws Exception {
    fake.enqueueFault(Fault.raw(200, "application/json",
        "{\"error\":{\"message\":\"upstream provider failed\",\"code\":502}}"));

    assertRecoveredAfter(2, client().build().complete(seedRequest("hello")));
    assertEquals("returned 200 with no choices: upstream provider failed",
        listener.retries.get(0).reason());
  }

  @Test
  void doesNotRetryContentThatIsNotJsonOrCutOff() throws Exception {
    fake.enqueueFaults(Fault.contentNotJson(), Fault.finishLength());
    OpenAiChatClient client = client().build();

    ChatResponse prose = client.complete(seedRequest("hello"));
    ChatResponse cut = client.complete(seedRequest("hello"));

    assertTrue(prose.content().startsWith("Sure!"));
    assertTrue(cut.truncated());
    assertEquals(2, fake.requestCount());
    assertTrue(sleeper.delays.isEmpty());
  }

  @Test
  void interruptDuringBackoffStopsAndKeepsTheFlag() {
    fake.enqueueFault(Fault.status(500));
    OpenAiChatClient client = client().sleeper(delay -> {
      throw new InterruptedException();
    }).build();

    try {
      LlmException e = assertThrows(LlmException.class, () -> client.complete(seedRequest("x")));
      assertTrue(Thread.currentThread().isInterrupted());
      assertInstanceOf(InterruptedException.class, e.getCause());
      assertTrue(e.getMessage().endsWith("interrupted after 1 attempt"), e.getMessage());
      assertEquals(1, fake.requestCount());
    } finally {
      Thread.interrupted();
    }
  }
}
