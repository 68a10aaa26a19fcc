package io.github.selfreflect.reflect.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatRequestJson#writeUtf8} must give the bytes of the tree's text as UTF-8, which every
 * cache key so far was computed from, whatever the text holds.
 */
class ChatRequestJsonUtf8Test {

  /**
   * Characters where a JSON writer and a UTF-8 encoder can differ: every escape, other control
   * characters, DEL, one- to three-byte characters, a surrogate pair's halves alone and together,
   * and the line separators some writers escape.
   */
  private static final String[] PIECES = {
    "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u0001", "\u001F",
    "\u007F", "\u0080", "\u00E9", "\u07FF", "\u0800", "\u4E2D", "\u2028", "\u2029", "\uFFFD",
    "\uFFFF", "\uD83D", "\uDE00", "\uD83D\uDE00", "\uDBFF\uDFFF", "]]]", "[[["
  };

  private static String randomText(Random random, int maxPieces) {
    StringBuilder text = new StringBuilder();
    int pieces = random.nextInt(maxPieces + 1);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  private static void assertSameBytes(ChatRequest request) {
    assertArrayEquals(
        ChatRequestJson.toJsonString(request).getBytes(StandardCharsets.UTF_8),
        ChatRequestJson.toUtf8(request),
        () -> "request " + ChatRequestJson.toJsonString(request));
  }

  @Test
  void randomRequestsGiveTheBytesOfTheTreesText() {
    Random random = new Random(3);
    Double[] temperatures = {null, 0.0, 0.5, 0.7, 1.0, 1e-7, 2.0 / 3};
    Integer[] maxTokens = {null, 0, 1, 512, Integer.MAX_VALUE};
    for (int n = 0; n < 20_000; n++) {
      List<Message> messages = new ArrayList<>();
      int count = random.nextInt(4);
      for (int i = 0; i < count; i++) {
        messages.add(Message.of(Role.values()[random.nextInt(Role.values().length)], randomText(random, 12)));
      }
      ResponseFormat format =
          switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> ResponseFormat.jsonObject();
            default -> ResponseFormat.jsonSchema(
                randomText(random, 3),
                JsonNodeFactory.instance.objectNode().put("description", randomText(random, 6)));
          };
      assertSameBytes(
          new ChatRequest(
              "model " + randomText(random, 2),
              messages,
              new SamplingParameters(
                  temperatures[random.nextInt(temperatures.length)],
                  maxTokens[random.nextInt(maxTokens.length)]),
              format));
    }
  }

  /** Long texts cross the writer's internal buffers, with pairs and lone halves at every offset. */
  @Test
  void longTextsGiveTheBytesOfTheTreesText() {
    Random random = new Random(5);
    for (int n = 0; n < 200; n++) {
      StringBuilder text = new StringBuilder();
      int length = 9_000 + random.nextInt(20_000);
      while (text.length() < length) {
        text.append(random.nextInt(4) == 0 ? PIECES[random.nextInt(PIECES.length)] : "word ");
      }
      ObjectNode schema = JsonNodeFactory.instance.objectNode().put("about", text.substring(0, 9_000));
      assertSameBytes(
          new ChatRequest(
              "gpt-4o",
              List.of(Message.of(Role.USER, text.toString()), Message.of(Role.SYSTEM, "\uD83D")),
              SamplingParameters.DEFAULTS,
              n % 2 == 0 ? null : ResponseFormat.jsonSchema("reflection", schema)));
    }
  }
}
