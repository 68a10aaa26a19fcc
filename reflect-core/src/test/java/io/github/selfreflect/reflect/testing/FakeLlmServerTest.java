package io.github.selfreflect.reflect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake speaks the seed format and spoils responses on request, on the wire. */
class FakeLlmServerTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Writes strings as Python's json.dumps does by default: non-ASCII as \\uXXXX. */
  private static final ObjectMapper PYTHON_LIKE =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private final FakeLlmServer fake = new FakeLlmServer();
  private final OkHttpClient http = new OkHttpClient.Builder()
      .retryOnConnectionFailure(false).readTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws IOException {
    fake.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private static String coinRequest() throws IOException {
    try (InputStream in =
        FakeLlmServerTest.class.getResourceAsStream("/fake-llm/coin-expected-request.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A seed-format body with this K, escaped as the Python original escapes it. */
  private static String seedBody(String k) throws IOException {
    String instruction = "You should leave K unchanged and implement C and L.\n"
        + "Response Format: \n{\n    \"K\": " + PYTHON_LIKE.writeValueAsString("'" + k + "'")
        + ",\n    \"C\": \"Criticism on L according to consequent chats\",\n"
        + "    \"L\": \"A response str answers K.\"\n} \nEnsure the response can beparsed";
    var body = MAPPER.createObjectNode().put("model", "gpt-4");
    var messages = body.putArray("messages");
    messages.addObject().put("role", "user").put("content", "Conversation:\n...");
    messages.addObject().put("role", "system").put("content", instruction);
    return body.toString();
  }

  private Response post(String body) throws IOException {
    return http.newCall(new Request.Builder()
        .url(fake.baseUrl() + "/chat/completions")
        .header("Authorization", "Bearer sk-fake")
        .post(RequestBody.create(body, MediaType.get("application/json")))
        .build()).execute();
  }

  private JsonNode postOk(String body) throws IOException {
    try (Response response = post(body)) {
      assertEquals(200, response.code());
      return MAPPER.readTree(response.body().string());
    }
  }

  @Test
  void answersTheCoinPromptWithKcl() throws Exception {
    JsonNode completion = postOk(coinRequest());

    assertEquals("chat.completion", completion.get("object").asText());
    assertEquals("gpt-4", completion.get("model").asText());
    JsonNode choice = completion.get("choices").get(0);
    assertEquals("stop", choice.get("finish_reason").asText());
    String content = choice.get("message").get("content").asText();
    assertEquals(FakeLlmServer.seedReply("Flip a 3-sided coin"), content);
    assertTrue(content.startsWith("{\n    \"K\": \"Flip a 3-sided coin\",\n    \"C\": "), content);
    JsonNode reply = MAPPER.readTree(content);
    assertEquals("Flip a 3-sided coin", reply.get("K").asText());
    assertTrue(reply.get("C").asText().contains("Flip a 3-sided coin"));
    assertTrue(reply.get("L").asText().contains("Flip a 3-sided coin"));
    long promptChars = 0;
    for (JsonNode m : MAPPER.readTree(coinRequest()).get("messages")) {
      promptChars += m.get("content").asText().length();
    }
    assertEquals((promptChars + 3) / 4, completion.get("usage").get("prompt_tokens").asLong());
    assertTrue(completion.get("usage").get("completion_tokens").asLong() > 0);
    assertEquals(0, completion.at("/usage/prompt_tokens_details/cached_tokens").asLong());
  }

  @Test
  void decodesEscapedK() throws Exception {
    String k = "Grüße, 世界 — \"quoted\", it's a back\\slash\nand a second line\t🙂";

    JsonNode reply = MAPPER.readTree(
        postOk(seedBody(k)).at("/choices/0/message/content").asText());

    assertEquals(k, reply.get("K").asText());
    assertEquals(Map.of(k, 1), fake.countsByK());
  }

  @Test
  void extractsKFromInstructionText() {
    assertEquals(Optional.of("a"), FakeLlmServer.extractK("x\n    \"K\": \"'a'\",\ny"));
    assertEquals(Optional.of("''"), FakeLlmServer.extractK("    \"K\": \"''''\","));
    assertEquals(Optional.of("no quotes"), FakeLlmServer.extractK("\"K\": \"no quotes\""));
    assertEquals(Optional.empty(), FakeLlmServer.extractK("\"C\": \"'a'\","));
  }

  @Test
  void recordsRequestsAndCountsPerK() throws Exception {
    postOk(seedBody("one"));
    postOk(seedBody("two"));
    postOk(seedBody("one"));

    assertEquals(3, fake.requestCount());
    assertEquals(Map.of("one", 2, "two", 1), fake.countsByK());
    assertEquals(2, fake.countFor("one"));
    assertEquals(0, fake.countFor("three"));
    assertEquals(seedBody("two"), fake.requestBodies().get(1));
    assertEquals("gpt-4", fake.requestJson().get(2).get("model").asText());
    FakeLlmServer.Call call = fake.calls().get(0);
    assertEquals("POST", call.method());
    assertEquals("/v1/chat/completions", call.path());
    assertEquals("Bearer sk-fake", call.header("authorization"));
    assertEquals(Optional.of("one"), call.k());
  }

  @Test
  void requestWithoutKIsABadRequest() throws Exception {
    try (Response response = post("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}]}")) {
      assertEquals(400, response.code());
      assertTrue(response.body().string().contains("no line"));
    }
    assertEquals(Map.of(), fake.countsByK());
  }

  @Test
  void customReplier() throws Exception {
    try (FakeLlmServer custom =
        new FakeLlmServer(body -> "model was " + body.get("model").asText()).start()) {
      try (Response response = http.newCall(new Request.Builder()
          .url(custom.baseUrl() + "/chat/completions")
          .post(RequestBody.create("{\"model\":\"m1\",\"messages\":[]}",
              MediaType.get("application/json")))
          .build()).execute()) {
        JsonNode completion = MAPPER.readTree(response.body().string());
        assertEquals("model was m1", completion.at("/choices/0/message/content").asText());
      }
    }
  }

  @Test
  void faultsApplyInOrderThenNormalReplies() throws Exception {
    fake.enqueueFaults(Fault.status(502), Fault.rateLimited(3), Fault.unauthorized());
    assertEquals(3, fake.pendingFaults());

    try (Response r = post(seedBody("k"))) {
      assertEquals(502, r.code());
      assertTrue(r.body().string().contains("502 Bad Gateway"));
    }
    try (Response r = post(seedBody("k"))) {
      assertEquals(429, r.code());
      assertEquals("3", r.header("Retry-After"));
      assertEquals("rate_limit_exceeded", MAPPER.readTree(r.body().string())
          .at("/error/code").asText());
    }
    try (Response r = post(seedBody("k"))) {
      assertEquals(401, r.code());
      assertTrue(MAPPER.readTree(r.body().string()).at("/error/message").asText()
          .startsWith("Incorrect API key provided"));
    }
    postOk(seedBody("k"));
    assertEquals(0, fake.pendingFaults());
    assertEquals(4, fake.countFor("k"));
  }

  @Test
  void perKFaultsHitOnlyThatK() throws Exception {
    fake.enqueueFaultFor("bad", Fault.status(500));

    postOk(seedBody("good"));
    try (Response r = post(seedBody("bad"))) {
      assertEquals(500, r.code());
    }
    postOk(seedBody("bad"));
  }

  @Test
  void finishLengthCutsTheReplyInHalf() throws Exception {
    fake.enqueueFault(Fault.finishLength());

    JsonNode choice = postOk(seedBody("k")).at("/choices/0");

    assertEquals("length", choice.get("finish_reason").asText());
    String full = FakeLlmServer.seedReply("k");
    assertEquals(full.substring(0, full.length() / 2), choice.at("/message/content").asText());
  }

  @Test
  void emptyChoicesAndNonJsonBodies() throws Exception {
    fake.enqueueFaults(Fault.emptyChoices(), Fault.bodyNotJson(), Fault.contentNotJson());

    assertEquals(0, postOk(seedBody("k")).get("choices").size());
    try (Response r = post(seedBody("k"))) {
      assertEquals(200, r.code());
      assertTrue(r.body().string().startsWith("<html>"));
    }
    String content = postOk(seedBody("k")).at("/choices/0/message/content").asText();
    assertFalse(content.startsWith("{"));
  }

  @Test
  void disconnectMidBodyFailsTheRead() throws Exception {
    fake.enqueueFault(Fault.disconnectMidBody());

    try (Response r = post(seedBody("k"))) {
      assertEquals(200, r.code());
      IOException e = org.junit.jupiter.api.Assertions.assertThrows(
          IOException.class, () -> r.body().string());
      assertTrue(e.getMessage() != null);
    }
  }

  @Test
  void listsAModelAndRejectsUnknownPaths() throws Exception {
    try (Response r = http.newCall(
        new Request.Builder().url(fake.baseUrl() + "/models").build()).execute()) {
      assertEquals(FakeLlmServer.DEFAULT_MODEL,
          MAPPER.readTree(r.body().string()).at("/data/0/id").asText());
    }
    try (Response r = http.newCall(
        new Request.Builder().url(fake.baseUrl() + "/embeddings").build()).execute()) {
      assertEquals(404, r.code());
    }
  }

  @Test
  void runsAsAProcess(@TempDir Path dir) throws Exception {
    Path urlFile = dir.resolve("url.txt");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(List.of(java.toString(), "-cp",
        System.getProperty("java.class.path"), FakeLlmServer.class.getName(), "0",
        "--url-file", urlFile.toString()))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      String url;
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        url = out.readLine();
      }
      assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/v1"), url);
      assertEquals(url, Files.readString(urlFile).strip());
      try (Response r = http.newCall(new Request.Builder().url(url + "/chat/completions")
          .post(RequestBody.create(seedBody("from a process"), MediaType.get("application/json")))
          .build()).execute()) {
        assertEquals(200, r.code());
        assertTrue(r.body().string().contains("from a process"));
      }
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
