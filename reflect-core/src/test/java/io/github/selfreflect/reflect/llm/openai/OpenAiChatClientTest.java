package io.github.selfreflect.reflect.llm.openai;

import static io.github.selfreflect.reflect.llm.openai.TestSupport.completion;
import static io.github.selfreflect.reflect.llm.openai.TestSupport.json;
import static io.github.selfreflect.reflect.llm.openai.TestSupport.recorded;
import static io.github.selfreflect.reflect.llm.openai.TestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A successful exchange: what is sent, and how the reply is read. */
class OpenAiChatClientTest {

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiChatClient.Builder client() {
    return OpenAiChatClient.builder()
        .baseUrl(server.url("/v1").toString())
        .retryPolicy(TestSupport.FAST)
        .sleeper(new TestSupport.RecordingSleeper())
        .readTimeout(Duration.ofSeconds(5));
  }

  @Test
  void readsRecordedCachedTokens() throws Exception {
    server.enqueue(recorded("openai-chat-prompt_cache-cached_tokens.exchanges.json", 1));

    ChatResponse response = client().build().complete(request("hello"));

    assertEquals("OK", response.content());
    assertEquals("stop", response.finishReason());
    assertEquals("gpt-5.6-sol", response.model());
    assertEquals(new Usage(4020, 4012, 4), response.usage());
    assertFalse(response.truncated());
  }

  @Test
  void nullContentOfRecordedToolCallIsEmpty() throws Exception {
    server.enqueue(recorded("openai-chat-tool_call-content_parts-image_url.exchanges.json", 0));

    ChatResponse response = client().build().complete(request("hello"));

    assertEquals("", response.content());
    assertEquals("tool_calls", response.finishReason());
    assertEquals(new Usage(46, 0, 11), response.usage());
  }

  @Test
  void joinsTextContentParts() throws Exception {
    server.enqueue(json(200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"Hello, \"},{\"type\":\"image_url\",\"image_url\":{}},"
        + "{\"type\":\"text\",\"text\":\"world\"}]},\"finish_reason\":\"stop\"}]}"));

    assertEquals("Hello, world", client().build().complete(request("hi")).content());
  }

  @Test
  void missingUsageModelAndFinishReasonAreZeroAndNull() throws Exception {
    server.enqueue(json(200, "{\"choices\":[{\"message\":{\"content\":\"x\"}}]}"));

    ChatResponse response = client().build().complete(request("hi"));

    assertEquals(Usage.NONE, response.usage());
    assertNull(response.model());
    assertNull(response.finishReason());
  }

  @Test
  void topLevelCachedTokensOfRoutersAreRead() throws Exception {
    server.enqueue(json(200, "{\"choices\":[{\"message\":{\"content\":\"x\"}}],"
        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"cached_tokens\":6}}"));

    assertEquals(new Usage(10, 6, 2), client().build().complete(request("hi")).usage());
  }

  @Test
  void lengthFinishIsReturnedNotJudged() throws Exception {
    server.enqueue(json(200, "{\"choices\":[{\"message\":{\"content\":\"{\\\"K\\\": \\\"ha\"},"
        + "\"finish_reason\":\"length\"}]}"));

    ChatResponse response = client().build().complete(request("hi"));

    assertTrue(response.truncated());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void sendsCanonicalBodyAndHeaders() throws Exception {
    server.enqueue(completion("fine"));
    ChatRequest chat = request("Grüße, \"world\"");

    client().apiKey("sk-test-123").header("X-Title", "reflect tests").build().complete(chat);

    RecordedRequest recorded = server.takeRequest();
    assertEquals("POST", recorded.getMethod());
    assertEquals("/v1/chat/completions", recorded.getUrl().encodedPath());
    assertEquals(ChatRequestJson.toJsonString(chat), recorded.getBody().utf8());
    assertEquals("Bearer sk-test-123", recorded.getHeaders().get("Authorization"));
    assertEquals("reflect/" + OpenAiChatClient.VERSION, recorded.getHeaders().get("User-Agent"));
    assertEquals("application/json", recorded.getHeaders().get("Content-Type"));
    assertEquals("application/json", recorded.getHeaders().get("Accept"));
    assertEquals("reflect tests", recorded.getHeaders().get("X-Title"));
  }

  @ParameterizedTest
  @CsvSource(value = {"NULL", "''", "'   '"}, nullValues = "NULL")
  void sendsNoAuthorizationWithoutKey(String key) throws Exception {
    server.enqueue(completion("fine"));

    client().apiKey(key).build().complete(request("hi"));

    assertNull(server.takeRequest().getHeaders().get("Authorization"));
  }

  @Test
  void authorizationCannotBeSetAsExtraHeader() {
    assertThrows(IllegalArgumentException.class,
        () -> OpenAiChatClient.builder().header("authorization", "Bearer x"));
  }

  @ParameterizedTest
  @CsvSource({
    "http://localhost:11434/v1, http://localhost:11434/v1/chat/completions",
    "http://localhost:11434/v1/, http://localhost:11434/v1/chat/completions",
    "http://localhost:11434/v1//, http://localhost:11434/v1/chat/completions",
    "http://localhost:8080, http://localhost:8080/chat/completions",
    "http://localhost:8080/, http://localhost:8080/chat/completions",
    "https://api.openai.com/v1, https://api.openai.com/v1/chat/completions",
    "'https://x.example/openai/v1/?api-version=2024-10-21', "
        + "'https://x.example/openai/v1/chat/completions?api-version=2024-10-21'",
  })
  void endpointIsBaseUrlPlusChatCompletions(String baseUrl, String expected) {
    assertEquals(expected,
        OpenAiChatClient.builder().baseUrl(baseUrl).build().endpoint().toString());
  }

  @Test
  void rejectsMissingOrInvalidBaseUrl() {
    assertThrows(IllegalArgumentException.class, () -> OpenAiChatClient.builder().build());
    assertThrows(IllegalArgumentException.class,
        () -> OpenAiChatClient.builder().baseUrl("localhost:11434").build());
  }

  @Test
  void toStringNamesEndpointButNotKey() {
    OpenAiChatClient client =
        OpenAiChatClient.builder().baseUrl("https://u:p@api.example/v1").apiKey("sk-s3cret").build();

    assertEquals("OpenAiChatClient[POST https://api.example/v1/chat/completions, with API key]",
        client.toString());
  }

  @Test
  void derivesFromBaseHttpClientAndNewBuilder() throws Exception {
    server.enqueue(completion("one"));
    server.enqueue(completion("two"));
    OkHttpClient base = new OkHttpClient.Builder().addInterceptor(chain ->
        chain.proceed(chain.request().newBuilder().header("X-From-Base", "yes").build())).build();
    OpenAiChatClient first = client().httpClient(base).build();
    OpenAiChatClient second = first.newBuilder().apiKey("sk-other").build();

    first.complete(request("a"));
    second.complete(request("b"));

    RecordedRequest r1 = server.takeRequest();
    RecordedRequest r2 = server.takeRequest();
    assertEquals("yes", r1.getHeaders().get("X-From-Base"));
    assertNull(r1.getHeaders().get("Authorization"));
    assertEquals("yes", r2.getHeaders().get("X-From-Base"));
    assertEquals("Bearer sk-other", r2.getHeaders().get("Authorization"));
  }

  @Test
  void oneClientServesManyThreads() throws Exception {
    int calls = 16;
    for (int i = 0; i < calls; i++) {
      server.enqueue(completion("reply"));
    }
    OpenAiChatClient client = client().build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ChatResponse>> futures = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        String text = "q" + i;
        futures.add(pool.submit(() -> client.complete(request(text))));
      }
      for (Future<ChatResponse> f : futures) {
        assertEquals("reply", f.get(10, TimeUnit.SECONDS).content());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(calls, server.getRequestCount());
  }
}
