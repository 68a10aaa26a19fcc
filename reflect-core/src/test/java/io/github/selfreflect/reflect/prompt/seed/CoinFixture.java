package io.github.selfreflect.reflect.prompt.seed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SelfReflectionGPT README's coin example, read from the test resources under {@code seed/}.
 * The ShareGPT record is mapped to a {@link Conversation} right here ({@code human} to user,
 * {@code gpt} to assistant) so that these tests do not depend on the project's ShareGPT reader.
 */
final class CoinFixture {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private CoinFixture() {}

  static Conversation conversation() {
    JsonNode record = json("coin-conversation.sharegpt.json").get(0);
    List<Message> messages = new ArrayList<>();
    for (JsonNode turn : record.get("conversations")) {
      Role role = "human".equals(turn.get("from").textValue()) ? Role.USER : Role.ASSISTANT;
      messages.add(Message.of(role, turn.get("value").textValue()));
    }
    return new Conversation(
        record.get("id").textValue(), "coin-conversation.sharegpt.json", 1, messages);
  }

  /** A test resource under {@code seed/}, as a JSON tree. */
  static JsonNode json(String name) {
    try (InputStream in = CoinFixture.class.getResourceAsStream("/seed/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource seed/" + name);
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
