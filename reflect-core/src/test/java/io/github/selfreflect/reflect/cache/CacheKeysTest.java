package io.github.selfreflect.reflect.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ResponseFormat;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keys are where paid-for replies are found: these were computed by the first implementation
 * (SHA-256 of the id, fingerprint and the body's text as UTF-8) and must never move.
 */
class CacheKeysTest {

  private final PromptTemplate seed = PromptTemplates.byId("seed");

  /** Escapes, a pair, a lone high and a lone low surrogate, a line separator, CJK. */
  private final ChatRequest tricky =
      new ChatRequest(
          "gpt-4o",
          List.of(
              Message.of(
                  Role.USER,
                  "Caf\u00e9 \uD83D\uDE00 \"q\" \\ \t\n\u0001 \u2028 lone \uD83D end"),
              Message.of(Role.SYSTEM, "\u4e2d\u6587 \uDE00")),
          new SamplingParameters(0.7, 512));

  @Test
  void keysOfExistingCachesStayTheSame() {
    assertEquals(
        "54c4ef674392b6bd3ce7d1a9e91bb0a6044a69e91f94e18d4d82d47b18dc94cc",
        CacheKeys.of(seed, tricky));
    assertEquals(
        "ad879c51730f9cd8d9ef1bfa51d254135065edd4853b605339eaab8acfbf6e68",
        CacheKeys.of(
            seed,
            new ChatRequest("m", List.of(Message.of(Role.USER, "x")), SamplingParameters.DEFAULTS)));
  }

  @Test
  void aResponseFormatKeepsItsKeyToo() {
    ObjectNode schema =
        JsonNodeFactory.instance.objectNode().put("type", "object").put("description", "\u00e9\uD83D\uDE00");
    assertEquals(
        "538fda69e0c94ec1251beeec57a1ea4b2dd1571a7fbcf7c35df369316f1b7db8",
        CacheKeys.of(seed, tricky.withResponseFormat(ResponseFormat.jsonSchema("reflection", schema))));
  }
}
