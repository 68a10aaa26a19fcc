package io.github.selfreflect.reflect.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canonical body: what is sent and what cache keys are computed from. */
class ChatRequestJsonTest {

  private final ChatRequest plain =
      new ChatRequest(
          "gpt-4",
          List.of(Message.of(Role.USER, "Conversation:\nK:\n[[[\nhi\n]]]\n"), Message.of(Role.SYSTEM, "é")),
          new SamplingParameters(0.5, 100));

  /** The layout every existing cache key was computed from: it must not move. */
  @Test
  void aRequestWithoutResponseFormatKeepsItsBytes() {
    assertEquals(
        "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Conversation:\\nK:\\n[[[\\nhi\\n]]]\\n\"},"
            + "{\"role\":\"system\",\"content\":\"é\"}],\"temperature\":0.5,\"max_tokens\":100}",
        ChatRequestJson.toJsonString(plain));
    assertEquals(ChatRequestJson.toJsonString(plain), ChatRequestJson.toJsonString(plain.withResponseFormat(null)));
  }

  @Test
  void aResponseFormatComesLast() {
    ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
    String prefix = ChatRequestJson.toJsonString(plain);
    prefix = prefix.substring(0, prefix.length() - 1);
    assertEquals(
        prefix + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"strict\":true,\"schema\":{\"type\":\"object\"}}}}",
        ChatRequestJson.toJsonString(plain.withResponseFormat(ResponseFormat.jsonSchema("r", schema))));
    assertEquals(
        prefix + ",\"response_format\":{\"type\":\"json_object\"}}",
        ChatRequestJson.toJsonString(plain.withResponseFormat(ResponseFormat.jsonObject())));
    schema.put("changed", true);
    assertEquals(
        prefix + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"strict\":true,\"schema\":{\"type\":\"object\",\"changed\":true}}}}",
        ChatRequestJson.toJsonString(plain.withResponseFormat(ResponseFormat.jsonSchema("r", schema))));
  }
}
