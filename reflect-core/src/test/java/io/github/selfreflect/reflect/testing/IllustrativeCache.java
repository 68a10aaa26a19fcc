package io.github.selfreflect.reflect.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import io.github.selfreflect.reflect.chat.format.ChatFiles;
import io.github.selfreflect.reflect.chat.format.ChatReaders;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.prompt.PythonJson;
import io.github.selfreflect.reflect.prompt.Reflection;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records hand-written reflections into a cache, the way the sample project's committed cache was
 * made: each reflection is turned into the reply a model would send ({@code {"K","C","L"}} as the
 * seed prompt asks), checked by the template's own parser and stored under the key a real run
 * computes, with zero usage because no tokens were spent. Run from the repository root:
 *
 * <pre>
 * ./mvnw -q -pl reflect-core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp reflect-core/target/test-classes:reflect-core/target/classes:$(cat reflect-core/target/cp.txt) \
 *   io.github.selfreflect.reflect.testing.IllustrativeCache sample-project/src/main/chats \
 *   sample-project/src/illustrative/reflections.json sample-project/reflect-cache illustrative-handwritten
 * </pre>
 */
public final class IllustrativeCache {

  private IllustrativeCache() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: CHATS_DIR REFLECTIONS_JSON CACHE_DIR MODEL");
    }
    Path chats = Path.of(args[0]);
    JsonNode written = new ObjectMapper().readTree(Path.of(args[1]).toFile());
    Path cacheDir = Path.of(args[2]);
    String model = args[3];
    PromptTemplate template = PromptTemplates.byId("seed");

    Map<String, JsonNode> byTarget = new HashMap<>();
    for (JsonNode entry : written) {
      byTarget.put(
          entry.get("source").asText() + "#" + entry.get("conversation").asText() + "#" + entry.get("turn").asInt(),
          entry);
    }
    int recorded = 0;
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir, System.err::println)) {
      for (Path file : ChatFiles.list(chats)) {
        String name = ChatFiles.relativeName(chats, file);
        try (ConversationSource source = ChatReaders.open(file, name, InvalidRecordHandler.FAIL)) {
          while (source.hasNext()) {
            Conversation conversation = source.next();
            for (Target target : Targets.of(conversation)) {
              String id = name + "#" + conversation.id() + "#" + target.index();
              JsonNode entry = byTarget.remove(id);
              if (entry == null) {
                throw new IllegalStateException("no hand-written reflection for " + id);
              }
              Map<String, Object> reply = new LinkedHashMap<>();
              reply.put("K", target.question().content());
              reply.put("C", entry.get("C").asText());
              reply.put("L", entry.get("L").asText());
              String replyText = PythonJson.dumps(reply);
              ChatRequest request =
                  new ChatRequest(
                      model,
                      template.render(conversation, target.index()),
                      SamplingParameters.DEFAULTS);
              Reflection reflection = template.parse(replyText, conversation, target.index());
              cache.put(
                  new CacheEntry(
                      CacheKeys.of(template, request),
                      template.id(),
                      model,
                      name,
                      conversation.id(),
                      target.index(),
                      reflection,
                      replyText,
                      Usage.NONE));
              recorded++;
            }
          }
        }
      }
    }
    if (!byTarget.isEmpty()) {
      throw new IllegalStateException("reflections for no target: " + byTarget.keySet());
    }
    System.out.println("recorded " + recorded + " reflections in " + cacheDir);
  }
}
