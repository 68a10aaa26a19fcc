package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.llm.Sleeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;

/** Shared fixtures: recorded bodies from the classpath, a recording sleeper, quick clients. */
final class TestSupport {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Short enough that no test waits for real, long enough for a loopback round trip. */
  static final RetryPolicy FAST =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0);

  private TestSupport() {}

  static ChatRequest request(String text) {
    return new ChatRequest(
        "gpt-4", List.of(Message.of(Role.USER, text)), new SamplingParameters(0.0, 50));
  }

  /** A request in the seed format, with K in the system message, as FakeLlmServer expects. */
  static ChatRequest seedRequest(String k) {
    String instruction = "You should leave K unchanged and implement C and L.\n"
        + "Response Format: \n{\n    \"K\": " + quote("'" + k + "'") + ",\n"
        + "    \"C\": \"Criticism on L according to consequent chats\",\n"
        + "    \"L\": \"A response str answers K.\"\n} \nEnsure the response can beparsed";
    return new ChatRequest("gpt-4",
        List.of(Message.of(Role.USER, "Conversation:\nK:\n[[[\n" + k + "\n]]]\n"),
            Message.of(Role.SYSTEM, instruction)),
        SamplingParameters.DEFAULTS);
  }

  /** The {@code response} of exchange {@code index} of an {@code openai/*.exchanges.json} file. */
  static JsonNode recordedResponse(String file, int index) {
    try (InputStream in = TestSupport.class.getResourceAsStream("/openai/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource /openai/" + file);
      }
      return MAPPER.readTree(in).get(index).get("response");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The recorded response as a mock response: its status and its body, re-serialized. */
  static MockResponse recorded(String file, int index) {
    JsonNode response = recordedResponse(file, index);
    return json(response.get("status").asInt(), response.get("body").toString());
  }

  static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse completion(String content) {
    return json(200, "{\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":" + quote(content) + "},"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}");
  }

  static String quote(String s) {
    return MAPPER.getNodeFactory().textNode(s).toString();
  }

  /** Records the delays it is asked for instead of sleeping. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> delays = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration delay) {
      delays.add(delay);
    }
  }

  /** A retry as the listener saw it. */
  record Retry(int attempt, String reason, Duration delay) {}

  static final class RecordingListener implements RetryListener {
    final List<Retry> retries = new CopyOnWriteArrayList<>();

    @Override
    public void onRetry(int attempt, String reason, Duration delay) {
      retries.add(new Retry(attempt, reason, delay));
    }
  }
}
