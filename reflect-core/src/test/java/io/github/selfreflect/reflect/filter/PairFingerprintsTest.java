package io.github.selfreflect.reflect.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairFingerprintsTest {

  private static Message randomMessage(Random random) {
    Role role = Role.values()[random.nextInt(Role.values().length)];
    String content = "m" + random.nextInt(1000) + (random.nextBoolean() ? " \u00e9\uD83D\uDE00" : "");
    return switch (random.nextInt(4)) {
      case 0 -> new Message(role, content, null, null, "name" + random.nextInt(3));
      case 1 -> new Message(role, content, null, "call_" + random.nextInt(3), null);
      case 2 -> new Message(
          role, content, JsonNodeFactory.instance.arrayNode().add(random.nextInt(5)), null, null);
      default -> Message.of(role, content);
    };
  }

  /**
   * The incremental fingerprint equals the one computed from the whole prompt, whatever order the
   * prompts come in: a conversation's targets in order (the usual case), a prompt shorter than the
   * last (it starts over), the same prompt again, and another conversation in between.
   */
  @Test
  void incrementalFingerprintsEqualWholePromptOnes() {
    Random random = new Random(29);
    PairFingerprints fingerprints = new PairFingerprints();
    List<Conversation> conversations = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      List<Message> messages = new ArrayList<>();
      int size = 1 + random.nextInt(12);
      for (int m = 0; m < size; m++) {
        messages.add(randomMessage(random));
      }
      conversations.add(new Conversation("c" + c, "f.jsonl", c, messages));
    }
    for (int n = 0; n < 5000; n++) {
      Conversation conversation = conversations.get(random.nextInt(random.nextInt(4) == 0 ? 20 : 2));
      int length = random.nextInt(conversation.messages().size() + 1);
      String answer = random.nextBoolean() ? "a" + random.nextInt(5) : null;
      assertEquals(
          PairFingerprints.fingerprint(conversation.messages().subList(0, length), answer),
          fingerprints.fingerprint(conversation, length, answer),
          "conversation " + conversation.id() + ", " + length + " messages");
    }
  }

  @Test
  void aPairAddedEitherWayIsTheSamePair() {
    Conversation conversation =
        new Conversation(
            "c", "f.jsonl", 1, List.of(Message.of(Role.USER, "q"), Message.of(Role.ASSISTANT, "a")));
    PairFingerprints set = new PairFingerprints();
    assertEquals(true, set.add(conversation, 1, "answer"));
    assertEquals(false, set.add(List.of(Message.of(Role.USER, "q")), "answer"));
    assertEquals(false, set.add(conversation, 1, "answer"));
    assertEquals(true, set.add(conversation, 2, "answer"));
  }
}
