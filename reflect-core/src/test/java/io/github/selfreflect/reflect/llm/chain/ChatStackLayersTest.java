package io.github.selfreflect.reflect.llm.chain;

import static io.github.selfreflect.reflect.llm.chain.LoopbackModel.completion;
import static io.github.selfreflect.reflect.llm.chain.LoopbackModel.json;
import static io.github.selfreflect.reflect.llm.chain.LoopbackModel.request;
import static io.github.selfreflect.reflect.llm.chain.LoopbackModel.transport;
import static io.github.selfreflect.reflect.llm.chain.LoopbackModel.withSchema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.llm.AttemptResult;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.llm.LlmRejectedException;
import io.github.selfreflect.reflect.llm.LlmRetriesExhaustedException;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.RequestNotSentException;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each layer of {@link ChatStack} alone, over the OpenAI transport to a loopback server: what it
 * sends, how often, and what it gives back or throws.
 */
class ChatStackLayersTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final RetryPolicy FAST =
      new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), 1.0);

  private final MockWebServer server = new MockWebServer();
  private final List<Duration> slept = new CopyOnWriteArrayList<>();
  private final List<AttemptResult> gateHeard = new CopyOnWriteArrayList<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A gate that lets everything through and records what it hears. */
  private final RequestGate recordingGate =
      new RequestGate() {
        @Override
        public long beforeAttempt(int attempt, long estimatedTokens) {
          return System.nanoTime();
        }

        @Override
        public void afterAttempt(AttemptResult result) {
          gateHeard.add(result);
        }
      };

  private ChatStack.Builder stack(RequestGate gate) {
    return ChatStack.builder()
        .transport(transport(server), gate, FAST, RetryListener.NONE, slept::add, new Random(1));
  }

  private List<JsonNode> bodies() throws Exception {
    List<JsonNode> bodies = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      RecordedRequest recorded = server.takeRequest();
      bodies.add(MAPPER.readTree(recorded.getBody().utf8()));
    }
    return bodies;
  }

  @Test
  void replyValidationAsksAgainUntilTheCheckPassesAndCountsTheUnusableOnes() throws Exception {
    server.enqueue(completion("not json"));
    server.enqueue(completion("{\"ok\":true}"));
    List<String> unusable = new ArrayList<>();
    ChatStack stack =
        stack(recordingGate)
            .replyAttempts(3, (call, attempt, problem) -> unusable.add(attempt + ": " + problem))
            .build();

    ChatResponse response =
        stack.send(
            new ChatCall(
                request("hi"), r -> r.content().startsWith("{") ? null : "not JSON", "target 1"));

    assertEquals("{\"ok\":true}", response.content());
    assertEquals(List.of("1: not JSON"), unusable);
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void replyValidationGivesUpAfterItsAttemptsWithTheLastProblem() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(completion("still not json " + i));
    }
    ChatStack stack = stack(recordingGate).replyAttempts(2, ReplyValidation.Listener.NONE).build();

    UnusableReplyException e =
        assertThrows(
            UnusableReplyException.class,
            () -> stack.send(new ChatCall(request("hi"), r -> "unusable: " + r.content(), "t")));

    assertEquals("unusable: still not json 1 (after 2 attempts)", e.getMessage());
    assertEquals(LlmFailure.Kind.UNUSABLE_REPLY, e.failure().kind());
    assertEquals(2, server.getRequestCount(), "the bound is the reply attempts, not the retries");
  }

  @Test
  void formatStepDownGoesFromSchemaToObjectToNoneOnceForTheRun() throws Exception {
    String refusal =
        "{\"error\":{\"message\":\"Invalid parameter: 'response_format' of type '%s' is not"
            + " supported with this model.\",\"type\":\"invalid_request_error\"}}";
    server.enqueue(json(400, String.format(refusal, "json_schema")));
    server.enqueue(json(400, String.format(refusal, "json_object")));
    server.enqueue(completion("first"));
    server.enqueue(completion("second"));
    ChatStack stack = stack(recordingGate).formatStepDown(true, warnings::add).build();

    assertEquals("first", stack.complete(withSchema("one")).content());
    assertEquals("second", stack.complete(withSchema("two")).content(), "remembered: sent as none at once");

    List<JsonNode> bodies = bodies();
    assertEquals(4, bodies.size());
    assertEquals("json_schema", bodies.get(0).path("response_format").path("type").asText());
    assertEquals("json_object", bodies.get(1).path("response_format").path("type").asText());
    assertFalse(bodies.get(2).has("response_format"));
    assertFalse(bodies.get(3).has("response_format"));
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("the endpoint does not accept response_format json_schema"));
  }

  @Test
  void formatStepDownLeavesOtherRejectionsAndPlannedRequestsAlone() {
    server.enqueue(
        json(400, "{\"error\":{\"message\":\"Unsupported value: 'messages[0].role' does not support"
            + " 'system'\",\"type\":\"invalid_request_error\",\"code\":\"unsupported_value\"}}"));
    ChatStack stack = stack(recordingGate).formatStepDown(true, warnings::add).build();

    LlmRejectedException e = assertThrows(LlmRejectedException.class, () -> stack.complete(withSchema("x")));

    assertEquals(400, e.status());
    assertEquals(1, server.getRequestCount());
    assertTrue(warnings.isEmpty());
  }

  @Test
  void formatStepDownIsOffUnlessAuto() {
    server.enqueue(json(400, "{\"error\":{\"message\":\"response_format json_schema is not supported\"}}"));
    ChatStack stack = stack(recordingGate).formatStepDown(false, warnings::add).build();

    assertThrows(LlmRejectedException.class, () -> stack.complete(withSchema("x")));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void retryLayerRetriesServerErrorsWithBackoffAndHonoursRetryAfter() throws Exception {
    server.enqueue(json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
    server.enqueue(
        new mockwebserver3.MockResponse.Builder()
            .code(429)
            .setHeader("Retry-After", "2")
            .body("{\"error\":{\"message\":\"slow down\"}}")
            .build());
    server.enqueue(completion("done"));

    assertEquals("done", stack(recordingGate).build().complete(request("hi")).content());

    assertEquals(3, server.getRequestCount());
    assertEquals(2, slept.size());
    assertTrue(slept.get(0).compareTo(Duration.ofMillis(1)) <= 0, "the backoff: " + slept.get(0));
    assertEquals(Duration.ofSeconds(2), slept.get(1), "the server's delay, not the backoff");
  }

  @Test
  void retryLayerStopsAfterThePolicysAttemptsWithTheLastFailure() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(500, "{\"error\":{\"message\":\"boom " + i + "\"}}"));
    }

    LlmRetriesExhaustedException e =
        assertThrows(LlmRetriesExhaustedException.class, () -> stack(recordingGate).build().complete(request("hi")));

    assertEquals(3, e.attempts());
    assertTrue(e.getMessage().contains("boom 2"), e.getMessage());
    assertEquals("http 500 after 3 attempts", e.failure().publicReason());
  }

  @Test
  void meteringTellsTheGateOfEveryAttemptWithItsStatusAndUsage() throws Exception {
    server.enqueue(json(503, "{\"error\":{\"message\":\"busy\"}}"));
    server.enqueue(completion("ok"));

    stack(recordingGate).build().complete(request("hi"));

    assertEquals(2, gateHeard.size());
    assertEquals(503, gateHeard.get(0).status());
    assertEquals(1, gateHeard.get(0).attempt());
    assertEquals(200, gateHeard.get(1).status());
    assertEquals(2, gateHeard.get(1).attempt());
    assertEquals(10, gateHeard.get(1).usage().promptTokens());
  }

  @Test
  void meteringSendsNothingTheGateRefuses() {
    RequestGate spent =
        new RequestGate() {
          @Override
          public long beforeAttempt(int attempt, long estimatedTokens) throws RequestNotSentException {
            throw new RequestNotSentException("reflect.maxRequests=0 reached");
          }

          @Override
          public void afterAttempt(AttemptResult result) {
            gateHeard.add(result);
          }
        };

    assertThrows(RequestNotSentException.class, () -> stack(spent).build().complete(request("hi")));
    assertEquals(0, server.getRequestCount());
    assertTrue(gateHeard.isEmpty());
  }

  @Test
  void layersRunInTheirOrderWhateverTheBuilderWasToldFirst() throws Exception {
    // The step-down happens below the reply check: a refused format is not an unusable reply.
    server.enqueue(json(400, "{\"error\":{\"message\":\"response_format is not supported\"}}"));
    server.enqueue(completion("{}"));
    List<String> unusable = new ArrayList<>();
    ChatStack stack =
        ChatStack.builder()
            .formatStepDown(true, warnings::add)
            .replyAttempts(1, (call, attempt, problem) -> unusable.add(problem))
            .transport(transport(server), recordingGate, FAST, RetryListener.NONE, slept::add, new Random(1))
            .build();

    assertEquals("{}", stack.send(new ChatCall(withSchema("x"), r -> null, "t")).content());
    assertTrue(unusable.isEmpty());
    assertEquals(2, server.getRequestCount());
  }
}
