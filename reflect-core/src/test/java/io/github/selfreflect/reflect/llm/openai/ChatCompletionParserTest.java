package io.github.selfreflect.reflect.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.selfreflect.reflect.llm.ChatResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatCompletionParserTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "'  '                                       | an empty body",
    "'[1,2]'                                    | a body that is not a JSON object: [1,2]",
    "'{\"choices\":[]}'                         | empty choices",
    "'{\"choices\":null}'                       | no choices",
    "'{\"choices\":[{\"text\":\"legacy\"}]}'    | a choice without a message",
    "'{\"choices\":[{\"message\":{}}]} trailing' | a body that is not JSON: {\"choices\":[{\"message\":{}}]} trailing",
  })
  void malformed(String body, String expected) {
    MalformedResponseException e =
        assertThrows(MalformedResponseException.class, () -> ChatCompletionParser.parse(body));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void vendorExtrasAreIgnored() throws Exception {
    ChatResponse response = ChatCompletionParser.parse("{\"id\":\"chatcmpl-150\",\"model\":\"qwen3\","
        + "\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
        + "\"assistant\",\"content\":\"{}\",\"reasoning\":\"hmm\"},\"finish_reason\":\"stop\","
        + "\"stop_reason\":null}],\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":-1}}");

    assertEquals("{}", response.content());
    assertEquals("qwen3", response.model());
    assertEquals(0, response.usage().promptTokens());
    assertEquals(0, response.usage().completionTokens());
  }
}
