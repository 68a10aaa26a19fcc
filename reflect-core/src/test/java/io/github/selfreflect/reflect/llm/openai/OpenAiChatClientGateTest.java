package io.github.selfreflect.reflect.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.AttemptResult;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.RequestNotSentException;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every attempt, retries included, passes the gate, which hears how each one ended. */
class OpenAiChatClientGateTest {

  static final class RecordingGate implements RequestGate {
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final List<AttemptResult> results = new CopyOnWriteArrayList<>();
    int refuseFrom = Integer.MAX_VALUE;

    @Override
    public long beforeAttempt(int attempt, long estimatedTokens) throws RequestNotSentException {
      if (attempts.size() >= refuseFrom) {
        throw new RequestNotSentException("budget spent");
      }
      attempts.add(attempt);
      return attempts.size();
    }

    @Override
    public void afterAttempt(AttemptResult result) {
      results.add(result);
    }
  }

  @Test
  void reportsStatusRetryAfterRateLimitHeadersAndUsage() throws Exception {
    RecordingGate gate = new RecordingGate();
    try (FakeLlmServer server = new FakeLlmServer().rateLimit(6000, true).start()) {
      server.enqueueFaults(Fault.rateLimited(1), Fault.status(503));
      OpenAiChatClient client = client(server, gate);
      client.complete(TestSupport.seedRequest("flip a coin"));
    }
    assertEquals(List.of(1, 2, 3), gate.attempts);
    assertEquals(3, gate.results.size());
    AttemptResult limited = gate.results.get(0);
    assertEquals(429, limited.status());
    assertEquals(Duration.ofSeconds(1), limited.retryAfter());
    assertEquals(1, limited.sentAtNanos(), "the gate's own send time comes back");
    assertEquals(100, limited.limits().limitRequests(), "a one-second bucket of 6,000 a minute");
    assertTrue(limited.limits().remainingRequests() >= 0);
    assertEquals(503, gate.results.get(1).status());
    AttemptResult ok = gate.results.get(2);
    assertEquals(200, ok.status());
    assertTrue(ok.usage().promptTokens() > 0);
    assertTrue(ok.estimatedTokens() > ok.usage().promptTokens(), "the estimate allows for a reply");
  }

  @Test
  void aRefusingGateStopsTheRetriesWithoutSending() throws Exception {
    RecordingGate gate = new RecordingGate();
    gate.refuseFrom = 1;
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      server.enqueueFault(Fault.status(500));
      OpenAiChatClient client = client(server, gate);
      RequestNotSentException e =
          assertThrows(RequestNotSentException.class,
              () -> client.complete(TestSupport.seedRequest("flip a coin")));
      assertEquals("budget spent", e.getMessage());
      assertEquals(1, server.requestCount());
    }
  }

  private static OpenAiChatClient client(FakeLlmServer server, RequestGate gate) {
    return OpenAiChatClient.builder()
        .baseUrl(server.baseUrl())
        .requestGate(gate)
        .retryPolicy(TestSupport.FAST)
        .sleeper(delay -> {})
        .build();
  }
}
