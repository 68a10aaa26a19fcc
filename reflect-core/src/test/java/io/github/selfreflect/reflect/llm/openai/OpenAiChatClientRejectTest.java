package io.github.selfreflect.reflect.llm.openai;

import static io.github.selfreflect.reflect.llm.openai.TestSupport.json;
import static io.github.selfreflect.reflect.llm.openai.TestSupport.recorded;
import static io.github.selfreflect.reflect.llm.openai.TestSupport.request;
import static io.github.selfreflect.reflect.llm.openai.TestSupport.seedRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.LlmRejectedException;
import io.github.selfreflect.reflect.llm.LlmRetriesExhaustedException;
import io.github.selfreflect.reflect.llm.openai.TestSupport.RecordingListener;
import io.github.selfreflect.reflect.llm.openai.TestSupport.RecordingSleeper;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client errors fail at once, with a message that helps and never shows the key. */
class OpenAiChatClientRejectTest {

  private static final String KEY = "sk-proj-Zx9SECRETabc123";

  private final MockWebServer server = new MockWebServer();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private String endpoint;

  @BeforeEach
  void start() throws Exception {
    server.start();
    endpoint = "POST " + server.url("/v1/chat/completions");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiChatClient client() {
    return OpenAiChatClient.builder()
        .baseUrl(server.url("/v1/").toString())
        .apiKey(KEY)
        .retryPolicy(TestSupport.FAST)
        .sleeper(sleeper)
        .readTimeout(Duration.ofSeconds(5))
        .build();
  }

  private LlmRejectedException rejected() {
    LlmRejectedException e =
        assertThrows(LlmRejectedException.class, () -> client().complete(request("hi")));
    assertEquals(1, server.getRequestCount(), "requests sent");
    assertTrue(sleeper.delays.isEmpty(), "no backoff");
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    return e;
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 405, 413, 422})
  void clientErrorFailsAfterOneRequest(int status) {
    server.enqueue(json(status,
        "{\"error\":{\"message\":\"Nope " + status + "\",\"type\":\"t\",\"param\":null,"
            + "\"code\":\"c\"}}"));

    LlmRejectedException e = rejected();

    assertEquals(endpoint + " returned " + status + ": Nope " + status, e.getMessage());
    assertEquals(status, e.status());
    assertEquals("t", e.errorType());
    assertEquals("c", e.errorCode());
  }

  @Test
  void unauthorizedAsOpenAiWordsIt() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      fake.enqueueFault(Fault.unauthorized());
      OpenAiChatClient client = OpenAiChatClient.builder().baseUrl(fake.baseUrl()).apiKey(KEY)
          .sleeper(sleeper).build();

      LlmRejectedException e =
          assertThrows(LlmRejectedException.class, () -> client.complete(seedRequest("hi")));

      assertTrue(e.getMessage().startsWith(
          "POST " + fake.baseUrl() + "/chat/completions returned 401: Incorrect API key provided"),
          e.getMessage());
      assertEquals("invalid_api_key", e.errorCode());
      assertEquals(1, fake.requestCount());
    }
  }

  @Test
  void recordedModelNotFound() {
    server.enqueue(recorded("openai-chat-404-model_not_found.exchanges.json", 0));

    LlmRejectedException e = rejected();

    assertEquals(endpoint + " returned 404: The model `gpt-5.2-proo` does not exist or you do not"
        + " have access to it.", e.getMessage());
    assertEquals("model_not_found", e.errorCode());
    assertEquals("invalid_request_error", e.errorType());
  }

  @Test
  void recordedUnsupportedValue() {
    server.enqueue(recorded("openai-chat-400-unsupported_value.exchanges.json", 0));

    assertEquals(endpoint + " returned 400: Unsupported value: 'messages[0].role' does not support"
        + " 'system' with this model.", rejected().getMessage());
  }

  @Test
  void keyEchoedByTheServerIsRedacted() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      fake.enqueueFault(Fault.echoAuthorization(401));
      OpenAiChatClient client = OpenAiChatClient.builder().baseUrl(fake.baseUrl()).apiKey(KEY)
          .sleeper(sleeper).build();

      LlmRejectedException e =
          assertThrows(LlmRejectedException.class, () -> client.complete(seedRequest("hi")));

      assertEquals("Bearer " + KEY, fake.calls().get(0).header("Authorization"));
      assertEquals("POST " + fake.baseUrl() + "/chat/completions returned 401: Incorrect API key"
          + " provided: Bearer [REDACTED]", e.getMessage());
    }
  }

  @Test
  void keyEchoedInRetriedErrorsIsRedactedEverywhere() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      fake.enqueueFaults(Fault.echoAuthorization(500), Fault.echoAuthorization(500));
      OpenAiChatClient client = OpenAiChatClient.builder().baseUrl(fake.baseUrl()).apiKey(KEY)
          .retryPolicy(TestSupport.FAST.withMaxAttempts(2)).sleeper(sleeper)
          .retryListener(listener).build();

      LlmRetriesExhaustedException e = assertThrows(LlmRetriesExhaustedException.class,
          () -> client.complete(seedRequest("hi")));

      assertFalse(e.getMessage().contains(KEY), e.getMessage());
      assertTrue(e.getMessage().endsWith("Bearer [REDACTED]"), e.getMessage());
      assertFalse(listener.retries.get(0).reason().contains(KEY));
    }
  }

  @Test
  void ollamaErrorString() {
    server.enqueue(json(404, "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}"));

    assertEquals(endpoint + " returned 404: model \"llama9\" not found, try pulling it first",
        rejected().getMessage());
  }

  @Test
  void fastApiDetail() {
    server.enqueue(json(422, "{\"detail\":\"Field required: messages\"}"));

    assertEquals(endpoint + " returned 422: Field required: messages", rejected().getMessage());
  }

  @Test
  void nonJsonBodyIsShortenedToAnExcerpt() {
    server.enqueue(new MockResponse.Builder().code(403).body(
        "<html>\n<body>\n<h1>Forbidden</h1>\n" + "x".repeat(1000) + "</body></html>").build());

    LlmRejectedException e = rejected();

    assertTrue(e.getMessage().startsWith(endpoint + " returned 403: <html> <body> <h1>Forbidden"),
        e.getMessage());
    assertTrue(e.getMessage().length() < endpoint.length() + 250, e.getMessage());
    assertNull(e.errorCode());
  }

  @Test
  void emptyBody() {
    server.enqueue(new MockResponse.Builder().code(401).build());

    assertEquals(endpoint + " returned 401: (empty body)", rejected().getMessage());
  }

  @Test
  void recordedOpenRouterRateLimitShowsTheProviderText() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(recorded("openrouter-v1-chat-429-rate_limited.exchanges.json", i % 3));
    }

    LlmRetriesExhaustedException e =
        assertThrows(LlmRetriesExhaustedException.class, () -> client().complete(request("hi")));

    assertTrue(e.getMessage().startsWith(endpoint + " failed after 4 attempts; last: returned 429:"
        + " Provider returned error (google/gemini-2.0-flash-exp:free is temporarily"
        + " rate-limited upstream."), e.getMessage());
    assertEquals(429, e.status());
    assertEquals(4, server.getRequestCount());
  }
}
