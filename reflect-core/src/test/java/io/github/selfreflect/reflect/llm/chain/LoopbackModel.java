package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ResponseFormat;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.TransportSettings;
import io.github.selfreflect.reflect.llm.openai.OpenAiTransport;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** A loopback server and the transport to it, for testing one layer at a time. */
final class LoopbackModel {

  private LoopbackModel() {}

  static OpenAiTransport transport(MockWebServer server) {
    return new OpenAiTransport(TransportSettings.of(server.url("/v1").toString()));
  }

  static ChatRequest request(String text) {
    return new ChatRequest(
        "gpt-test", List.of(Message.of(Role.USER, text)), new SamplingParameters(0.0, 50));
  }

  static ChatRequest withSchema(String text) {
    var schema = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("type", "object");
    return request(text).withResponseFormat(ResponseFormat.jsonSchema("reply", schema));
  }

  static MockResponse completion(String content) {
    return json(
        200,
        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(content)
            + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}");
  }

  static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }
}
