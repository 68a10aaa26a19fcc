package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The assembled records (messages serialised once per conversation) equal the generated ones. */
class DatasetJsonTest {

  @Test
  void assembledRecordsAreByteForByteTheGeneratedOnes() throws Exception {
    Conversation conversation =
        new Conversation(
            "c1",
            "a/b.jsonl",
            1,
            List.of(
                Message.of(Role.SYSTEM, "Be brief. \"Quotes\", \\ backslash, \u0001 control"),
                Message.of(Role.USER, "What is 2+2? 🙂 and a lone \ud800 surrogate"),
                Message.of(Role.ASSISTANT, "5"),
                new Message(
                    Role.ASSISTANT,
                    "",
                    new ObjectMapper()
                        .readTree("[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{\\\"a\\\":2}\"}}]"),
                    null,
                    null),
                new Message(Role.TOOL, "4", null, "call_1", "add"),
                Message.of(Role.USER, "Really?\nThink again."),
                Message.of(Role.ASSISTANT, "4, sorry."),
                Message.of(Role.USER, "Thanks")));
    DatasetJson.MessageJson memo = new DatasetJson.MessageJson();
    List<Target> targets = Targets.of(conversation);
    assertEquals(2, targets.size());
    for (Target target : targets) {
      assertEquals(
          new String(DatasetJson.sft(target, "new \"answer\" ✓"), UTF_8),
          new String(DatasetJson.sft(target, "new \"answer\" ✓", memo), UTF_8));
      assertEquals(
          new String(DatasetJson.preference(target, "chosen", "rejected\t"), UTF_8),
          new String(DatasetJson.preference(target, "chosen", "rejected\t", memo), UTF_8));
    }
  }
}
