package io.github.selfreflect.reflect.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import io.github.selfreflect.reflect.chat.format.ChatReaders;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cache keys of conversations with tool calls. Templates render the tool calls into the
 * prompt, so anything the reader adds to a parsed message (an invented call id, the record's tool
 * definitions) would move these keys and make every user pay again for every such conversation.
 * The dataset writer adds ids and {@code tools} to its own output only; these keys pin that.
 *
 * <p>The literals were computed by this test run against main at 6b652cd, before tool
 * definitions and call ids were carried to the dataset files, and must never move.
 */
class ToolCallCacheKeysTest {

  private static final String CORPUS = "sharegpt/llamafactory-glaive_toolcall_en_demo.first40.json";

  @Test
  void seedKeysOfToolCallConversationsStayTheSame() throws Exception {
    PromptTemplate template = PromptTemplates.byId("seed");
    List<String> keys = singleTargetKeys(template);
    assertEquals(49, keys.size());
    assertEquals(8, renderedWithToolCalls(template));
    assertEquals("61172492fb86eb8bcdc7aae63e17d6168692bf76e4240079abcae0795641bbea", keys.get(0));
    assertEquals("53e95f7e0f24d58f0e5bcc9cb582fa4018ff050475883c0940c889b87b3c5358", CacheKeys.sha256Hex(String.join("\n", keys)));
  }

  @Test
  void hindsightKeysOfToolCallConversationsStayTheSame() throws Exception {
    PromptTemplate template = PromptTemplates.byId("hindsight");
    List<String> keys = singleTargetKeys(template);
    assertEquals(49, keys.size());
    assertEquals(8, renderedWithToolCalls(template));
    assertEquals("1c2b1a296bfb9a0ce7e1b451561831404cf9fd4b83ca8f0c1727397a6e16f43a", keys.get(0));
    assertEquals("53eed1bb19d6c7e635d0f3398970a19816ef83e44d1d22362250fdf14244b86f", CacheKeys.sha256Hex(String.join("\n", keys)));
  }

  @Test
  void hindsightKeysOfWholeConversationRequestsStayTheSame() throws Exception {
    PromptTemplate hindsight = PromptTemplates.byId("hindsight");
    List<String> keys = new ArrayList<>();
    for (Conversation c : read()) {
      List<Integer> indices = Targets.of(c).stream().map(Target::index).toList();
      if (!indices.isEmpty()) {
        keys.add(key(hindsight, hindsight.render(c, indices)));
      }
    }
    assertEquals(23, keys.size());
    assertEquals("a5d86cffa00b54de1f0a854b2b469fc0147f1a6cb1801ea19dc8f1c67f75f8c5", CacheKeys.sha256Hex(String.join("\n", keys)));
  }

  private static List<String> singleTargetKeys(PromptTemplate template) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Conversation c : read()) {
      for (Target target : Targets.of(c)) {
        keys.add(key(template, template.render(c, target.index())));
      }
    }
    return keys;
  }

  /**
   * How many single-target prompts show a tool call: the keys above only guard the tool calls
   * if the prompts render them.
   */
  private static int renderedWithToolCalls(PromptTemplate template) throws Exception {
    int count = 0;
    for (Conversation c : read()) {
      for (Target target : Targets.of(c)) {
        if (template.render(c, target.index()).stream()
            .anyMatch(m -> m.content().contains("\"type\":\"function\""))) {
          count++;
        }
      }
    }
    return count;
  }

  private static String key(PromptTemplate template, List<Message> messages) {
    return CacheKeys.of(
        template, new ChatRequest("gpt-4o-mini", messages, SamplingParameters.DEFAULTS));
  }

  private static List<Conversation> read() throws Exception {
    Path file = Path.of(ToolCallCacheKeysTest.class.getResource("/corpus/" + CORPUS).toURI());
    List<Conversation> conversations = new ArrayList<>();
    try (ConversationSource source = ChatReaders.open(file, CORPUS, InvalidRecordHandler.FAIL)) {
      source.forEachRemaining(conversations::add);
    }
    return conversations;
  }
}
