package io.github.selfreflect.reflect.llm.openai;

import static io.github.selfreflect.reflect.llm.openai.TestSupport.seedRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each way a request fails has a public reason (what {@code failures.jsonl} and the report
 * publish) built from facts, not from the exception message: the kind of failure, the status,
 * the attempts and the provider's error identifiers. The message keeps the endpoint for the log.
 */
class PublicReasonTest {

  private static final String KEY = "sk-public-reason-key";

  private final FakeLlmServer fake = new FakeLlmServer();

  @BeforeEach
  void start() throws IOException {
    fake.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiChatClient client(String baseUrl) {
    return OpenAiChatClient.builder()
        .baseUrl(baseUrl)
        .apiKey(KEY)
        .retryPolicy(TestSupport.FAST.withMaxAttempts(3))
        .sleeper(delay -> {})
        .connectTimeout(Duration.ofSeconds(1))
        .readTimeout(Duration.ofMillis(300))
        .build();
  }

  /** Fails three attempts with {@code fault} and returns the exception. */
  private LlmException failThrice(Supplier<Fault> fault) {
    for (int i = 0; i < 3; i++) {
      fake.enqueueFault(fault.get());
    }
    return assertThrows(
        LlmException.class, () -> client(fake.baseUrl()).complete(seedRequest("hello")));
  }

  private void assertPublishable(LlmException e) {
    String reason = e.failure().publicReason();
    for (String detail :
        new String[] {"127.0.0.1", "localhost", Integer.toString(fake.port()), "://", "/v1", KEY,
          "Exception"}) {
      assertFalse(reason.contains(detail), detail + " in '" + reason + "'");
    }
    assertTrue(e.getMessage().startsWith("POST " + fake.baseUrl() + "/chat/completions "),
        "the log still names the endpoint: " + e.getMessage());
  }

  @Test
  void serverErrorsGiveTheStatusAndTheProvidersErrorType() {
    LlmException e = failThrice(() -> Fault.status(503));

    assertEquals("http 503 (server_error) after 3 attempts", e.failure().publicReason());
    assertEquals(LlmFailure.Kind.HTTP_STATUS, e.failure().kind());
    assertPublishable(e);
  }

  @Test
  void rateLimitsGiveTypeAndCode() {
    LlmException e = failThrice(() -> Fault.status(429));

    assertEquals("http 429 (requests, rate_limit_exceeded) after 3 attempts",
        e.failure().publicReason());
    assertPublishable(e);
  }

  @Test
  void aProxysHtmlPageGivesTheStatusAlone() {
    LlmException e = failThrice(() -> Fault.status(502));

    assertEquals("http 502 after 3 attempts", e.failure().publicReason());
    assertPublishable(e);
  }

  @Test
  void aConnectionDroppedBeforeTheResponseIsAConnectionFailure() {
    LlmException e = failThrice(Fault::connectionReset);

    assertEquals("connection failed after 3 attempts", e.failure().publicReason());
    assertPublishable(e);
  }

  @Test
  void aBodyBrokenOffIsAResponseCutShort() {
    LlmException e = failThrice(Fault::disconnectMidBody);

    assertEquals("response cut short after 3 attempts", e.failure().publicReason());
    assertPublishable(e);
  }

  @Test
  void aSilentServerIsATimeout() {
    LlmException e = failThrice(() -> Fault.slow(Duration.ofSeconds(1)));

    assertEquals("timeout after 3 attempts", e.failure().publicReason());
    assertPublishable(e);
  }

  @Test
  void aBodyThatIsNoCompletionIsAMalformedResponse() {
    LlmException e = failThrice(Fault::bodyNotJson);

    assertEquals("malformed response after 3 attempts", e.failure().publicReason());
    assertTrue(e.getMessage().contains("Service warming up"), "the body excerpt stays in the log");
    assertPublishable(e);
  }

  @Test
  void aRefusedConnectionIsAConnectionFailure() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    LlmException e =
        assertThrows(
            LlmException.class,
            () -> client("http://127.0.0.1:" + port + "/v1").complete(seedRequest("x")));

    assertEquals("connection failed after 3 attempts", e.failure().publicReason());
    assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
    assertFalse(e.failure().publicReason().contains(Integer.toString(port)));
  }

  @Test
  void aRejectionIsSentOnceAndSaysSoWithoutAttempts() {
    fake.enqueueFault(Fault.echoAuthorization(401));

    LlmException e =
        assertThrows(LlmException.class, () -> client(fake.baseUrl()).complete(seedRequest("x")));

    assertEquals("http 401 (invalid_request_error, invalid_api_key)", e.failure().publicReason());
    assertPublishable(e);
  }

  @Test
  void errorIdentifiersThatCouldHideAHostAreLeftOut() {
    fake.enqueueFault(
        Fault.raw(400, "application/json",
            "{\"error\": {\"message\": \"upstream llm.corp.internal:8443 refused\","
                + " \"type\": \"llm.corp.internal\", \"code\": \"http://10.0.0.5:8443/v1\"}}"));

    LlmException e =
        assertThrows(LlmException.class, () -> client(fake.baseUrl()).complete(seedRequest("x")));

    assertEquals("http 400", e.failure().publicReason());
    assertTrue(e.getMessage().contains("upstream llm.corp.internal:8443 refused"), e.getMessage());
  }
}
